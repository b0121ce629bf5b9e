-- Argo CD health of a retina.sh RetinaEndpoint: the controllers' mirror of a pod (its spec is the whole object and
-- it has no status), so it is Healthy as it is; the pod it mirrors carries the health that matters.
return { status = "Healthy", message = "mirrors its pod" }
