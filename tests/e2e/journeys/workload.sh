# shellcheck shell=bash disable=SC2154  # here, E2E_*, the node names: set by run.sh, which sources this
# The workload the journeys observe: a client pod on a node other than the controllers', asking DNS every second
# (UDP to CoreDNS, through the node's interfaces and the pod's veth).
capture CONTROLLER_NODE kubectl -n retina-system get pods -l app.kubernetes.io/name=retina-controllers -o 'jsonpath={.items[0].spec.nodeName}'
capture TARGET_NODE kubectl get nodes -o 'jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}'
if [ "$E2E_DRY_RUN" != 1 ]; then
  TARGET_NODE=$(printf '%s\n' "$TARGET_NODE" | grep -vx "$CONTROLLER_NODE" | head -n 1)
  [ -n "$TARGET_NODE" ] || fail "no node other than the controllers' ($CONTROLLER_NODE)"
fi
export CONTROLLER_NODE TARGET_NODE
log "target node $TARGET_NODE (controllers on $CONTROLLER_NODE)"
run kubectl create namespace e2e
apply_template "$here/manifests/client.yaml" "NODE=$TARGET_NODE"
run kubectl -n e2e wait pod/e2e-client --for=condition=Ready --timeout=180s
