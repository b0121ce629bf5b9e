# shellcheck shell=bash disable=SC2154  # here, E2E_*, the node names: set by run.sh, which sources this
# A MetricsConfiguration turns on pod-level forward and DNS counters; the client's adv_* series appear on its node's
# /metrics (read through the API server's node proxy, as a scrape of the node would).
run kubectl apply -f "$here/manifests/metricsconfiguration.yaml"
run kubectl wait metricsconfiguration/e2e-pod-traffic --for=condition=Ready --timeout=120s
wait_until 180 "adv_forward_count of e2e-client on $TARGET_NODE" \
  has_series "$TARGET_NODE" '^networkobservability_adv_forward_count\{[^}]*podname="e2e-client"'
wait_until 180 "adv_dns_request_count of e2e-client on $TARGET_NODE" \
  has_series "$TARGET_NODE" '^networkobservability_adv_dns_request_count\{[^}]*podname="e2e-client"'
