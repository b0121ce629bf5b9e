# shellcheck shell=bash disable=SC2154  # here, E2E_*, the node names: set by run.sh, which sources this
# A synthetic firing alert posted like Alertmanager to the controllers' receiver (POST /api/v1/alerts/webhook, bearer
# token from Secret retina-alert-webhook, key token, in retina-system: README "Alert-driven capture") makes the policy
# create a child Capture of the pod the alert names (labelled retina.sh/capture-policy=<policy>), counted in status.
run kubectl apply -f "$here/manifests/capturepolicy.yaml"
run kubectl -n e2e wait capturepolicy/e2e-policy --for=condition=Ready --timeout=120s
# The cluster admin's part: the receiver's token, as Alertmanager's credentials_file would hold it.
# (written to a file and read back, so the token is never printed in the log)
run sh -c "head -c 32 /dev/urandom | base64 | tr -d '=+/\n' > '$E2E_WORK/alert-token'"
run kubectl -n retina-system create secret generic retina-alert-webhook --from-file=token="$E2E_WORK/alert-token"
capture TOKEN cat "$E2E_WORK/alert-token"
capture CA kubectl -n retina-system get configmap retina-controllers-ca -o 'jsonpath={.data.ca\.crt}'
capture ALERT cat "$here/manifests/alert.json"
# from inside the cluster, as Alertmanager posts, verifying the controllers' certificate with the CA they publish
# shellcheck disable=SC2016  # expanded by the pod's shell
run kubectl -n e2e run e2e-alert --image=curlimages/curl:8.10.1 --restart=Never --rm -i --quiet \
  --env="CA=$CA" --env="TOKEN=$TOKEN" --env="ALERT=$ALERT" -- \
  sh -c 'printf "%s" "$CA" > /tmp/ca.crt && curl -fsS --cacert /tmp/ca.crt -X POST -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" --data-binary "$ALERT" https://retina-controllers-webhook.retina-system.svc/api/v1/alerts/webhook'
wait_until 120 "a Capture fired by e2e-policy" \
  sh -c 'kubectl -n e2e get captures -l retina.sh/capture-policy=e2e-policy -o name | grep -q .'
run kubectl -n e2e wait captures -l retina.sh/capture-policy=e2e-policy --for=condition=Ready --timeout=240s
# shellcheck disable=SC2016  # expanded by sh -c
wait_until 60 "e2e-policy counts the firing" \
  sh -c '[ "$(kubectl -n e2e get capturepolicy/e2e-policy -o "jsonpath={.status.firedCount}")" -ge 1 ]'
