# shellcheck shell=bash disable=SC2154  # here, E2E_*, the node names: set by run.sh, which sources this
# PENDING (TraceSession reconciler, node trace runner), written against DESIGN.md §6: a TraceSession of the client's
# DNS events counts them in status and writes JSON lines to the host path.
run kubectl apply -f "$here/manifests/tracesession.yaml"
run kubectl -n e2e wait tracesession/e2e-trace --for=condition=Ready --timeout=180s
capture EVENTS kubectl -n e2e get tracesession/e2e-trace -o 'jsonpath={.status.events}'
[ "$E2E_DRY_RUN" = 1 ] || [ "${EVENTS:-0}" -gt 0 ] || fail "TraceSession e2e-trace recorded no event"
