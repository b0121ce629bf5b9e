# shellcheck shell=bash disable=SC2154  # here, E2E_*, the node names: set by run.sh, which sources this
# A Capture of the client pod (on another node than the controllers') to a host path; the tarball is read back from
# that node and its pcap opened with capinfos and tshark.
run kubectl apply -f "$here/manifests/capture.yaml"
# kstatus: Ready=True once the Capture is Completed (Stalled=True if it failed)
run kubectl -n e2e wait capture/e2e-capture --for=condition=Ready --timeout=240s
run kubectl -n e2e get capture/e2e-capture -o wide
capture ARTIFACT kubectl -n e2e get capture/e2e-capture -o 'jsonpath={.status.artifacts[?(@.output=="hostPath")].location}'
capture ARTIFACT_NODE kubectl -n e2e get capture/e2e-capture -o 'jsonpath={.status.artifacts[?(@.output=="hostPath")].node}'
[ "$E2E_DRY_RUN" = 1 ] || [ "$ARTIFACT_NODE" = "$TARGET_NODE" ] || fail "artifact on $ARTIFACT_NODE, expected the target's node $TARGET_NODE"
# k3d nodes are containers named after the node
run docker cp "$ARTIFACT_NODE:$ARTIFACT" "$E2E_WORK/capture.tar.gz"
run mkdir -p "$E2E_WORK/capture"
run tar -xzf "$E2E_WORK/capture.tar.gz" -C "$E2E_WORK/capture"
capture PCAP find "$E2E_WORK/capture" -name '*.pcap*' -print -quit
[ "$E2E_DRY_RUN" = 1 ] || [ -n "$PCAP" ] || fail "no pcap in $ARTIFACT"
run capinfos -c "$PCAP"
capture PACKETS tshark -r "$PCAP" -Y 'dns' -T fields -e frame.number
[ "$E2E_DRY_RUN" = 1 ] || [ -n "$PACKETS" ] || fail "the capture of e2e-client holds no DNS packet"
run test -f "$E2E_WORK/capture/capture.json"
