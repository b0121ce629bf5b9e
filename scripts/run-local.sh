#!/usr/bin/env bash
# `make run`: local mode on this host. eBPF plugins need root; without it they are skipped with the reason.
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-Debug}
if [ "$(id -u)" -ne 0 ]; then
  echo "note: not running as root: eBPF plugins and captures will be skipped (run 'sudo make run' for them)"
fi
echo "in another terminal: scripts/retina get metricsconfigurations -w   (or captures, noderuntimes, ...)"
exec dotnet "src/Retina.Local/bin/$CONFIG/net10.0/retina.dll" run "$@"
