# shellcheck shell=bash disable=SC2154  # here, E2E_*, the node names: set by run.sh, which sources this
# A TraceSession of the client pod: lookups of a name that does not exist while it runs; status must count the DNS
# events and name the failing query with its rcode and the client pod, and the flow log on the client's node must
# hold the NXDOMAIN answers as JSON lines.
run kubectl apply -f "$here/manifests/tracesession.yaml"
wait_until 120 "the TraceSession runs on the client's node" \
  sh -c 'kubectl -n e2e get tracesession/e2e-trace -o "jsonpath={.status.phase}" | grep -qx Running'
run kubectl -n e2e exec e2e-client -- sh -c 'for i in 1 2 3 4 5; do nslookup nope-e2e.invalid >/dev/null 2>&1; done; true'
# kstatus: Ready=True once every node finished (Completed), Stalled=True if it failed
run kubectl -n e2e wait tracesession/e2e-trace --for=condition=Ready --timeout=180s
run kubectl -n e2e get tracesession/e2e-trace
capture EVENTS kubectl -n e2e get tracesession/e2e-trace -o 'jsonpath={.status.eventsByKind.dns}'
[ "$E2E_DRY_RUN" = 1 ] || [ "${EVENTS:-0}" -gt 0 ] || fail "TraceSession e2e-trace recorded no DNS event"
capture DNS_FAILURES kubectl -n e2e get tracesession/e2e-trace -o 'jsonpath={.status.topDnsFailures}'
[ "$E2E_DRY_RUN" = 1 ] || case "$DNS_FAILURES" in
  *nope-e2e.invalid*NXDOMAIN*e2e/e2e-client*) ;;
  *) fail "status.topDnsFailures does not name nope-e2e.invalid, NXDOMAIN and e2e/e2e-client: $DNS_FAILURES" ;;
esac
capture FLOWS kubectl -n e2e get tracesession/e2e-trace -o 'jsonpath={.status.artifacts[?(@.output=="hostPath")].location}'
capture FLOWS_NODE kubectl -n e2e get tracesession/e2e-trace -o 'jsonpath={.status.artifacts[?(@.output=="hostPath")].node}'
[ "$E2E_DRY_RUN" = 1 ] || [ "$FLOWS_NODE" = "$TARGET_NODE" ] || fail "flow log on $FLOWS_NODE, expected the client's node $TARGET_NODE"
# k3d nodes are containers named after the node; the first file is enough for a minute of lookups
run docker cp "$FLOWS_NODE:${FLOWS%% *}" "$E2E_WORK/flows.jsonl.gz"
capture NXDOMAIN_LINES sh -c "zcat '$E2E_WORK/flows.jsonl.gz' | grep -c '\"dns_rcode\":\"NXDOMAIN\"'"
[ "$E2E_DRY_RUN" = 1 ] || [ "${NXDOMAIN_LINES:-0}" -gt 0 ] || fail "the flow log holds no NXDOMAIN answer"
run kubectl -n e2e delete tracesession/e2e-trace --wait
