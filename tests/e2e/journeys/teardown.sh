# shellcheck shell=bash disable=SC2154  # here, E2E_*, the node names: set by run.sh, which sources this
# Teardown leaves nothing: the journeys' objects go first (finalizers released by the running controllers), then
# the whole overlay; afterwards no object of ours is left anywhere in the cluster.
run kubectl delete namespace e2e --wait --timeout=240s
run kubectl delete metricsconfiguration e2e-pod-traffic --ignore-not-found --wait --timeout=120s
expect_empty "retina.sh objects" kubectl get captures,tracesessions,shellsessions,capturepolicies,metricsconfigurations -A -o name
run kubectl delete -k "$here/overlay" --wait --timeout=300s
expect_empty "retina.sh CRDs" sh -c 'kubectl get crd -o name | grep "retina\.sh" || true'
expect_empty "cluster-scoped objects of ours" kubectl get clusterroles,clusterrolebindings,validatingwebhookconfigurations,mutatingwebhookconfigurations,validatingadmissionpolicies,validatingadmissionpolicybindings -l app.kubernetes.io/part-of=retina -o name
expect_empty "the retina-system namespace" sh -c 'kubectl get namespace retina-system -o name --ignore-not-found'
expect_empty "PVC copy Jobs or other objects we manage" kubectl get jobs,pods,secrets,configmaps -A -l app.kubernetes.io/managed-by=retina-controllers -o name
