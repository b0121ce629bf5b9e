#!/usr/bin/env bash
# Runs every test project and ends with one line: `N passed, N failed, N skipped`.
set -uo pipefail
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-Debug}
log=$(mktemp)
# Kernel tests create network namespaces and attach programs: run assemblies one at a time.
dotnet test Retina.sln -c "$CONFIG" --no-build --nologo -m:1 -- RunConfiguration.TreatNoTestsAsError=false 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=0; failed=0; skipped=0
while read -r f p s; do
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
done < <(sed -nE 's/.*(Passed|Failed)!\s+-\s+Failed:\s+([0-9]+),\s+Passed:\s+([0-9]+),\s+Skipped:\s+([0-9]+).*/\2 \3 \4/p' "$log")
assemblies=$(grep -cE '(Passed|Failed)!\s+-\s+Failed:' "$log" || true)
# Name each failed test with its message at the very end, where a truncated CI log still shows it.
failures=$(awk '/^[[:space:]]+Failed [A-Za-z_]/ {show=1; n=0}
  /^[[:space:]]+Stack Trace:/ {show=0}
  show && n < 12 {print; n++}' "$log")
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The run broke before reporting (a build or host crash): count it as a failure, never as green.
  failed=1
fi
if [ -n "$failures" ]; then
  echo "failed tests:"
  echo "$failures"
fi
echo "test assemblies: $assemblies"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
