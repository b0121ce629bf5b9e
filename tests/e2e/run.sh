#!/usr/bin/env bash
# Retina.NET end-to-end journeys on a k3d cluster: images built from the repository's Dockerfiles (make images),
# imported with `k3d image import` (no registry), the k3d overlay applied (tests/e2e/overlay adds the pod-level
# plugin), then the user journeys, then a teardown that must leave nothing behind. See tests/e2e/README.md.
#
#   tests/e2e/run.sh [--dry-run] [--with-pending] [--keep-cluster] [--skip-build] [--cluster NAME]
#
# Exits 2 with the reason when Docker, its daemon, k3d, kubectl, tshark/capinfos or tar is missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

CLUSTER=${E2E_CLUSTER:-retina-e2e}
WITH_PENDING=0
KEEP_CLUSTER=0
SKIP_BUILD=0

usage() { sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) E2E_DRY_RUN=1 ;;
    --with-pending) WITH_PENDING=1 ;;
    --keep-cluster) KEEP_CLUSTER=1 ;;
    --skip-build) SKIP_BUILD=1 ;;
    --cluster) CLUSTER=${2:?--cluster needs a name}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) printf 'e2e: unknown argument %s\n' "$1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
export E2E_DRY_RUN

# What the suite needs on the machine; a dry run only reports what is missing.
preflight() {
  local missing=() tool
  for tool in docker k3d kubectl capinfos tshark tar; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if command -v docker >/dev/null 2>&1 && ! docker info >/dev/null 2>&1; then
    missing+=("a reachable Docker daemon (docker info failed)")
  fi
  [ "${#missing[@]}" -eq 0 ] && return 0
  local list
  list=$(printf '%s, ' "${missing[@]}")
  list=${list%, }
  if [ "$E2E_DRY_RUN" = 1 ]; then
    printf '# dry run: a real run would stop here, missing: %s\n' "$list"
    return 0
  fi
  printf 'e2e: cannot run: missing: %s. Install Docker (daemon running), k3d (https://k3d.io), kubectl and tshark (Debian: tshark), or run with --dry-run to see the commands.\n' "$list" >&2
  exit 2
}

# A journey whose controller is not implemented yet runs only with --with-pending (written against the documented
# behaviour in DESIGN.md and README.md; expected to fail until its issue lands).
journey() {
  local name=$1 pending=${2:-}
  if [ -n "$pending" ] && [ "$WITH_PENDING" != 1 ]; then
    log "journey $name: skipped (pending: $pending; --with-pending runs it)"
    return 0
  fi
  log "journey $name${pending:+ (pending: $pending)}"
  # shellcheck source=/dev/null
  . "$here/journeys/$name.sh"
}

cleanup() {
  local status=$?
  if [ "$KEEP_CLUSTER" = 1 ]; then
    log "keeping cluster $CLUSTER (k3d cluster delete $CLUSTER removes it)"
  else
    log "deleting cluster $CLUSTER"
    run k3d cluster delete "$CLUSTER" || true
  fi
  [ "$E2E_DRY_RUN" = 1 ] || [ -z "$E2E_WORK" ] || rm -rf "$E2E_WORK"
  exit "$status"
}

preflight
if [ "$E2E_DRY_RUN" = 1 ]; then E2E_WORK="<work>"; else E2E_WORK=$(mktemp -d -t retina-e2e.XXXXXX); fi
export E2E_WORK CLUSTER root here

log "images: built from the repository's Dockerfiles"
if [ "$SKIP_BUILD" = 1 ]; then
  log "images: --skip-build, using retina-controllers:dev and retina-node-runtime:dev as they are"
else
  run make -C "$root" images VERSION=0.0.0-e2e IMAGE_TAG=dev
fi

log "cluster $CLUSTER: one server, two agents (a Capture of a pod on another node than the controllers')"
trap cleanup EXIT
run k3d cluster create "$CLUSTER" --agents 2 --wait --timeout 180s --k3s-arg "--disable=traefik@server:0"
run k3d kubeconfig write "$CLUSTER" --output "$E2E_WORK/kubeconfig"
export KUBECONFIG="$E2E_WORK/kubeconfig"
run k3d image import --cluster "$CLUSTER" retina-controllers:dev retina-node-runtime:dev

log "deploy: the k3d overlay (with packetparser for the pod-level journey)"
run kubectl apply --server-side -k "$here/overlay"
run kubectl wait --for=condition=Established --timeout=60s crd -l app.kubernetes.io/part-of=retina
run kubectl -n retina-system rollout status deployment/retina-controllers --timeout=180s
run kubectl -n retina-system rollout status daemonset/retina-node-runtime --timeout=180s
run kubectl wait --for=condition=Ready --timeout=180s noderuntimes --all

journey workload
journey capture-other-node
journey metrics-configuration
journey capture-policy
journey trace-session
journey shell-session "ShellSession reconciler"
journey teardown

if [ "$E2E_DRY_RUN" = 1 ]; then log "dry run: the commands above are what a run executes; nothing was executed"; else log "all journeys passed"; fi
