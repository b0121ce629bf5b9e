# shellcheck shell=bash disable=SC2154  # here, E2E_*, the node names: set by run.sh, which sources this
# PENDING (ShellSession reconciler), written against DESIGN.md §6: a node shell runs, answers a command through the
# exact `kubectl exec` its status gives, and is gone once deleted.
apply_template "$here/manifests/shellsession.yaml" "NODE=$TARGET_NODE"
run kubectl -n e2e wait shellsession/e2e-shell --for=jsonpath='{.status.phase}'=Running --timeout=180s
capture SHELL_POD kubectl -n e2e get shellsession/e2e-shell -o 'jsonpath={.status.podName}'
SHELL_NS=retina-system  # node shells run in the Retina namespace (README "ShellSession")
run kubectl -n "$SHELL_NS" exec "$SHELL_POD" -- ip -brief link
run kubectl -n e2e delete shellsession/e2e-shell --wait --timeout=120s
wait_until 120 "the shell pod $SHELL_POD is gone" sh -c "! kubectl -n '$SHELL_NS' get pod '$SHELL_POD' -o name"
