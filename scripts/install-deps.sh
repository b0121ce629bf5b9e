#!/usr/bin/env bash
# Installs what building, running and testing Retina.NET needs on Debian/Ubuntu. Idempotent:
# it only installs what is missing. Used by `make run`, `make test` and CI.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "install-deps: need root (or sudo) to run: $*" >&2; return 1; fi
}

# Debian packages: the eBPF toolchain, libpcap, packet tools, test peers (dnsmasq, Prometheus, Alertmanager,
# openssl s_server), PyYAML (a YAML 1.1 parser: every shipped YAML must load in it) lua5.1 (runs the Argo CD health scripts)
# shellcheck (lints tests/e2e/*.sh), dig (bind9-dnsutils: the DNS query of the local-mode TraceSession sample), jq (the
# README reads flow logs with it; a test runs that line) and ethtool (tests compare interface_stats driver counters with ethtool -S).
APT_PACKAGES=(clang llvm libbpf-dev bpftool libpcap0.8 libpcap0.8-dev tcpdump tshark iproute2 nftables iptables
  dnsmasq-base prometheus prometheus-alertmanager openssl curl ca-certificates make
  python3 python3-yaml lua5.1 shellcheck bind9-dnsutils jq ethtool)
# Node.js may come from elsewhere (e.g. NodeSource, whose nodejs bundles npm): install Debian's only when absent.
command -v npm >/dev/null || APT_PACKAGES+=(nodejs npm)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  as_root apt-get update -qq
  # Debian's daemons would start as services on install; we start our own instances in tests.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The .NET 10 SDK.
if ! command -v dotnet >/dev/null || ! dotnet --list-sdks | grep -q '^10\.'; then
  echo "install-deps: installing the .NET 10 SDK into ~/.dotnet"
  curl -fsSL https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh
  bash /tmp/dotnet-install.sh --channel 10.0 --install-dir "$HOME/.dotnet"
  export PATH="$HOME/.dotnet:$PATH"
fi

# kubectl (kustomize builds in tests); Debian has no package for it.
command -v kubectl >/dev/null || echo "install-deps: warning: kubectl not found; kustomize tests will fail until it is installed" >&2

# npm tools for tests (real Azurite and s3rver), in .tools/ so node_modules never enters Git.
NPM_TOOLS=(azurite@3.37.0 s3rver@3.7.1)
for t in "${NPM_TOOLS[@]}"; do
  name=${t%@*}; version=${t##*@}
  installed=$(node -p "try{require('./.tools/node_modules/$name/package.json').version}catch(e){''}" 2>/dev/null || true)
  if [ "$installed" != "$version" ]; then
    echo "install-deps: npm install $t"
    npm install --silent --no-audit --no-fund --prefix .tools "$t" >/dev/null
  fi
done

# NuGet packages.
log=$(mktemp)
dotnet restore Retina.sln --nologo -v quiet >"$log" 2>&1 || { cat "$log"; exit 1; }
rm -f "$log"
