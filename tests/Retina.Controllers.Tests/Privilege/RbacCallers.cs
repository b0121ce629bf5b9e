namespace Retina.Controllers.Tests.Privilege;

/// <summary>
/// Every right our components hold, with the code that calls it. A new rule in <c>kustomize/base/rbac</c> needs a row
/// here naming its caller; a row whose code is gone fails, so a right nobody uses is caught in CI.
/// Informers list and watch; <c>UpdateStatusAsync</c> reads the object (get) and merge-patches its status.
/// </summary>
internal static class RbacCallers
{
    public const string Controllers = "ClusterRole/retina-controllers";
    public const string ControllersLocal = "Role/retina-system/retina-controllers";
    public const string NodeRuntime = "ClusterRole/retina-node-runtime";
    public const string NodeRuntimeMetricsAuth = "ClusterRole/retina-node-runtime-metrics-auth";

    private const string Hosting = "Retina.Controllers/Hosting/RetinaControllers.cs";
    private const string CaptureReconciler = "Retina.Controllers/Capture/CaptureReconciler.cs";
    private const string TraceReconciler = "Retina.Controllers/TraceSession/TraceSessionReconciler.cs";
    private const string Workloads = "Retina.Controllers/Capture/WorkloadSelectors.cs";
    private const string PvcCopy = "Retina.Controllers/Capture/PvcCopyDelivery.cs";
    private const string Acceptance = "Retina.Controllers/Validation/AcceptanceReconciler.cs";
    private const string NodeRuntimes = "Retina.Controllers/NodeRuntime/NodeRuntimeReconciler.cs";
    private const string Credentials = "Retina.Controllers/Capture/CaptureCredentials.cs";
    private const string SelfManagedTls = "Retina.Controllers/Tls/SelfManagedTls.cs";
    private const string CaPublisher = "Retina.Controllers/Tls/CaPublisher.cs";
    private const string AlertFiring = "Retina.Controllers/Alerts/AlertFiringRecorder.cs";
    private const string ShellReconciler = "Retina.Controllers/ShellSession/ShellSessionReconciler.cs";
    private const string Endpoints = "Retina.Controllers/Endpoints/RetinaEndpointReconciler.cs";
    private const string Enrichment = "Retina.NodeRuntime/Enrichment/EnrichmentFeed.cs";

    public static IReadOnlyList<RbacCaller> All { get; } =
    [
        // Controllers, cluster-wide.
        RbacCaller.At(Controllers, "retina.sh", "metricsconfigurations", "get", "Retina.Controllers/MetricsConfiguration/MetricsConfigurationReconciler.cs", "UpdateStatusAsync<MetricsConfig>"),
        RbacCaller.At(Controllers, "retina.sh", "metricsconfigurations", "list", Hosting, "new Controller<MetricsConfig>"),
        RbacCaller.At(Controllers, "retina.sh", "metricsconfigurations", "watch", Hosting, "new Controller<MetricsConfig>"),
        RbacCaller.At(Controllers, "retina.sh", "metricsconfigurations/status", "patch", "Retina.Controllers/MetricsConfiguration/MetricsConfigurationReconciler.cs", "UpdateStatusAsync<MetricsConfig>"),
        RbacCaller.At(Controllers, "retina.sh", "tracesessions", "get", TraceReconciler, "UpdateStatusAsync<TraceObject>"),
        RbacCaller.At(Controllers, "retina.sh", "tracesessions", "list", Hosting, "new Controller<Api.TraceSession.TraceSession>"),
        RbacCaller.At(Controllers, "retina.sh", "tracesessions", "watch", Hosting, "new Controller<Api.TraceSession.TraceSession>"),
        RbacCaller.At(Controllers, "retina.sh", "tracesessions", "patch", TraceReconciler, "AddFinalizerAsync<TraceObject>"),
        RbacCaller.At(Controllers, "retina.sh", "tracesessions", "delete", TraceReconciler, "FinishedWork.ReleaseAsync<TraceObject>"),
        RbacCaller.At(Controllers, "retina.sh", "tracesessions/status", "patch", TraceReconciler, "UpdateStatusAsync<TraceObject>"),
        RbacCaller.At(Controllers, "retina.sh", "shellsessions", "get", ShellReconciler, "UpdateStatusAsync<Session>"),
        RbacCaller.At(Controllers, "retina.sh", "shellsessions", "list", Hosting, "new Controller<Api.ShellSession.ShellSession>"),
        RbacCaller.At(Controllers, "retina.sh", "shellsessions", "watch", Hosting, "new Controller<Api.ShellSession.ShellSession>"),
        RbacCaller.At(Controllers, "retina.sh", "shellsessions", "patch", ShellReconciler, "AddFinalizerAsync<Session>"),
        RbacCaller.At(Controllers, "retina.sh", "shellsessions/status", "patch", ShellReconciler, "UpdateStatusAsync<Session>"),
        RbacCaller.At(Controllers, "", "pods", "get", ShellReconciler, "GetAsync<V1Pod>"),
        RbacCaller.At(Controllers, "", "pods/ephemeralcontainers", "patch", ShellReconciler, "PatchSubresourceAsync<V1Pod>"),
        .. Accepted("capturepolicies", "Acceptance<Api.CapturePolicy.CapturePolicy>"),
        RbacCaller.At(Controllers, "retina.sh", "captures", "get", CaptureReconciler, "UpdateStatusAsync<Api.Capture.Capture>"),
        RbacCaller.At(Controllers, "retina.sh", "captures", "list", Hosting, "new Controller<Api.Capture.Capture>"),
        RbacCaller.At(Controllers, "retina.sh", "captures", "watch", Hosting, "new Controller<Api.Capture.Capture>"),
        RbacCaller.At(Controllers, "retina.sh", "captures", "create", AlertFiring, "client.CreateAsync(child, ct)"),
        RbacCaller.At(Controllers, "retina.sh", "capturepolicies/finalizers", "update", "Retina.Controllers/Alerts/ChildCapture.cs", "BlockOwnerDeletion = true"),
        RbacCaller.At(Controllers, "retina.sh", "nodes/capture", "create", "Retina.Controllers/Alerts/ChildCapture.cs", "NodeSelector = new LabelSelector"),
        RbacCaller.At(Controllers, "retina.sh", "captures", "patch", CaptureReconciler, "AddFinalizerAsync<Api.Capture.Capture>"),
        RbacCaller.At(Controllers, "retina.sh", "captures", "delete", CaptureReconciler, "FinishedWork.ReleaseAsync<Api.Capture.Capture>"),
        RbacCaller.At(Controllers, "retina.sh", "captures/status", "patch", CaptureReconciler, "UpdateStatusAsync<Api.Capture.Capture>"),
        RbacCaller.At(Controllers, "retina.sh", "captures/finalizers", "update", "Retina.Controllers/Capture/PvcCopyJob.cs", "BlockOwnerDeletion = true"),
        RbacCaller.At(Controllers, "retina.sh", "tracesessions/finalizers", "update", "Retina.Controllers/TraceSession/TracePvcCopies.cs", "new PvcCopyJob.Owner(TraceObject.KindName"),
        RbacCaller.At(Controllers, "retina.sh", "noderuntimes", "get", "Retina.Controllers/NodeRuntime/NodeAssignments.cs", "GetAsync<NodeRuntimeObject>"),
        RbacCaller.At(Controllers, "retina.sh", "noderuntimes", "list", Hosting, "Watches<NodeRuntimeObject>"),
        RbacCaller.At(Controllers, "retina.sh", "noderuntimes", "watch", Hosting, "Watches<NodeRuntimeObject>"),
        RbacCaller.At(Controllers, "retina.sh", "noderuntimes", "create", NodeRuntimes, "client.CreateAsync(created"),
        RbacCaller.At(Controllers, "retina.sh", "noderuntimes", "patch", NodeRuntimes, "PatchAsync<NodeRuntimeObject>"),
        RbacCaller.At(Controllers, "retina.sh", "noderuntimes", "delete", NodeRuntimes, "DeleteAsync<NodeRuntimeObject>"),
        RbacCaller.At(Controllers, "retina.sh", "retinaendpoints", "list", Hosting, "Watches<Api.RetinaEndpoint.RetinaEndpoint>"),
        RbacCaller.At(Controllers, "retina.sh", "retinaendpoints", "watch", Hosting, "Watches<Api.RetinaEndpoint.RetinaEndpoint>"),
        RbacCaller.At(Controllers, "retina.sh", "retinaendpoints", "create", Endpoints, "client.CreateAsync(created"),
        RbacCaller.At(Controllers, "retina.sh", "retinaendpoints", "update", Endpoints, "client.UpdateAsync(replaced"),
        RbacCaller.At(Controllers, "retina.sh", "retinaendpoints", "delete", Endpoints, "DeleteAsync<Endpoint>"),
        RbacCaller.At(Controllers, "", "nodes", "get", "Retina.Controllers/Capture/PvcCopyJob.cs", "GetAsync<V1Node>"),
        RbacCaller.At(Controllers, "", "nodes", "list", Hosting, "new Controller<V1Node>"),
        RbacCaller.At(Controllers, "", "nodes", "watch", Hosting, "new Controller<V1Node>"),
        RbacCaller.At(Controllers, "", "namespaces", "list", Hosting, "Watches<V1Namespace>"),
        RbacCaller.At(Controllers, "", "namespaces", "watch", Hosting, "Watches<V1Namespace>"),
        RbacCaller.At(Controllers, "", "pods", "list", "Retina.Controllers/Capture/PvcCopyJob.cs", "ListAsync<V1Pod>"),
        RbacCaller.At(Controllers, "", "pods", "watch", Hosting, "Watches<V1Pod>"),
        RbacCaller.At(Controllers, "apps", "deployments", "get", Workloads, "GetAsync<V1Deployment>"),
        RbacCaller.At(Controllers, "apps", "statefulsets", "get", Workloads, "GetAsync<V1StatefulSet>"),
        RbacCaller.At(Controllers, "apps", "daemonsets", "get", Workloads, "GetAsync<V1DaemonSet>"),
        RbacCaller.At(Controllers, "batch", "jobs", "get", Workloads, "GetAsync<V1Job>"),
        RbacCaller.At(Controllers, "batch", "jobs", "list", PvcCopy, "ListAsync<V1Job>"),
        RbacCaller.At(Controllers, "batch", "jobs", "watch", Hosting, "Owns<V1Job>"),
        RbacCaller.At(Controllers, "batch", "jobs", "create", PvcCopy, "client.CreateAsync(PvcCopyJob.Build"),
        RbacCaller.At(Controllers, "", "persistentvolumeclaims", "get", "Retina.Controllers/Capture/PvcCopyJob.cs", "GetAsync<V1PersistentVolumeClaim>"),
        RbacCaller.At(Controllers, "", "secrets", "get", Credentials, "GetAsync<V1Secret>"),
        RbacCaller.At(Controllers, "authorization.k8s.io", "subjectaccessreviews", "create", "Retina.Controllers/Authorization/RequesterAccess.cs", "new V1SubjectAccessReview"),
        RbacCaller.At(Controllers, "authentication.k8s.io", "tokenreviews", "create", "Retina.Controllers/Credentials/NodeTokenAuthenticator.cs", "new V1TokenReview"),
        RbacCaller.At(Controllers, "admissionregistration.k8s.io", "validatingwebhookconfigurations", "get", CaPublisher, "GetAsync<V1ValidatingWebhookConfiguration>"),
        RbacCaller.At(Controllers, "admissionregistration.k8s.io", "validatingwebhookconfigurations", "patch", CaPublisher, "client.PatchAsync<T>"),
        RbacCaller.At(Controllers, "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "get", CaPublisher, "GetAsync<V1MutatingWebhookConfiguration>"),
        RbacCaller.At(Controllers, "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "patch", CaPublisher, "client.PatchAsync<T>"),
        RbacCaller.At(Controllers, "", "events", "create", "Retina.Kube/Events/EventRecorder.cs", "client.CreateAsync(new Corev1Event"),
        RbacCaller.At(Controllers, "", "events", "patch", "Retina.Kube/Events/EventRecorder.cs", "PatchAsync<Corev1Event>"),

        // Controllers, in retina-system.
        RbacCaller.At(ControllersLocal, "", "pods", "create", ShellReconciler, "client.CreateAsync(ShellPodBuilder.NodePod"),
        RbacCaller.At(ControllersLocal, "", "pods", "delete", ShellReconciler, "DeleteAsync<V1Pod>"),
        RbacCaller.At(ControllersLocal, "coordination.k8s.io", "leases", "get", "Retina.Kube/Leader/LeaderElector.cs", "GetAsync<V1Lease>"),
        RbacCaller.At(ControllersLocal, "coordination.k8s.io", "leases", "create", "Retina.Kube/Leader/LeaderElector.cs", "client.CreateAsync(new V1Lease"),
        RbacCaller.At(ControllersLocal, "coordination.k8s.io", "leases", "update", "Retina.Kube/Leader/LeaderElector.cs", "client.UpdateAsync(lease"),
        RbacCaller.At(ControllersLocal, "", "secrets", "get", SelfManagedTls, "GetAsync<V1Secret>"),
        RbacCaller.At(ControllersLocal, "", "secrets", "create", SelfManagedTls, "client.CreateAsync(new V1Secret"),
        RbacCaller.At(ControllersLocal, "", "secrets", "update", SelfManagedTls, "client.UpdateAsync(secret"),
        RbacCaller.At(ControllersLocal, "", "configmaps", "get", CaPublisher, "GetAsync<V1ConfigMap>"),
        RbacCaller.At(ControllersLocal, "", "configmaps", "create", CaPublisher, "client.CreateAsync(new V1ConfigMap"),
        RbacCaller.At(ControllersLocal, "", "configmaps", "update", CaPublisher, "client.UpdateAsync(existing"),

        // Node runtime.
        RbacCaller.At(NodeRuntime, "retina.sh", "noderuntimes", "list", "Retina.NodeRuntime/Agent/NodeAgent.cs", "new Informer<NodeRuntimeObject>"),
        RbacCaller.At(NodeRuntime, "retina.sh", "noderuntimes", "watch", "Retina.NodeRuntime/Agent/NodeAgent.cs", "new Informer<NodeRuntimeObject>"),
        RbacCaller.At(NodeRuntime, "retina.sh", "noderuntimes/status", "patch", "Retina.NodeRuntime/Agent/NodeAgent.cs", "PatchStatusAsync<NodeRuntimeObject>"),
        RbacCaller.At(NodeRuntime, "", "pods", "list", Enrichment, "new Informer<V1Pod>"),
        RbacCaller.At(NodeRuntime, "", "pods", "watch", Enrichment, "new Informer<V1Pod>"),
        RbacCaller.At(NodeRuntime, "retina.sh", "retinaendpoints", "list", Enrichment, "new Informer<RetinaEndpoint>"),
        RbacCaller.At(NodeRuntime, "retina.sh", "retinaendpoints", "watch", Enrichment, "new Informer<RetinaEndpoint>"),
        RbacCaller.At(NodeRuntime, "", "services", "list", Enrichment, "new Informer<V1Service>"),
        RbacCaller.At(NodeRuntime, "", "services", "watch", Enrichment, "new Informer<V1Service>"),
        RbacCaller.At(NodeRuntime, "", "nodes", "list", Enrichment, "new Informer<V1Node>"),
        RbacCaller.At(NodeRuntime, "", "nodes", "watch", Enrichment, "new Informer<V1Node>"),
        RbacCaller.At(NodeRuntime, "discovery.k8s.io", "endpointslices", "list", "Retina.NodeRuntime/Plugins/ApiServerLatency/ApiServerEndpointFeed.cs", "new Informer<V1EndpointSlice>"),
        RbacCaller.At(NodeRuntime, "discovery.k8s.io", "endpointslices", "watch", "Retina.NodeRuntime/Plugins/ApiServerLatency/ApiServerEndpointFeed.cs", "new Informer<V1EndpointSlice>"),

        // Node runtime with components/node-runtime-metrics-auth.
        RbacCaller.At(NodeRuntimeMetricsAuth, "authentication.k8s.io", "tokenreviews", "create", "Retina.NodeRuntime/Metrics/TokenReviewScrapeAuthorizer.cs", "new V1TokenReview"),
        RbacCaller.At(NodeRuntimeMetricsAuth, "authorization.k8s.io", "subjectaccessreviews", "create", "Retina.NodeRuntime/Metrics/TokenReviewScrapeAuthorizer.cs", "new V1SubjectAccessReview"),
    ];

    private static RbacCaller[] Accepted(string resource, string controller) =>
    [
        RbacCaller.At(Controllers, "retina.sh", resource, "get", Acceptance, "UpdateStatusAsync<T>"),
        RbacCaller.At(Controllers, "retina.sh", resource, "list", Hosting, controller),
        RbacCaller.At(Controllers, "retina.sh", resource, "watch", Hosting, controller),
        RbacCaller.At(Controllers, "retina.sh", resource + "/status", "patch", Acceptance, "UpdateStatusAsync<T>"),
    ];
}
