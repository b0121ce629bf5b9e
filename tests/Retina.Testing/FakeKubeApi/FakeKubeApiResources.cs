using Retina.Kube.Client;

namespace Retina.Testing.FakeKubeApi;

/// <summary>The kinds the fake serves out of the box.</summary>
public static class FakeKubeApiResources
{
    public static IReadOnlyList<ResourceDescriptor> BuiltIn { get; } =
    [
        new("", "v1", "pods", "Pod", Namespaced: true),
        new("", "v1", "nodes", "Node", Namespaced: false),
        new("", "v1", "namespaces", "Namespace", Namespaced: false),
        new("", "v1", "services", "Service", Namespaced: true),
        new("", "v1", "secrets", "Secret", Namespaced: true, HasStatusSubresource: false),
        new("", "v1", "configmaps", "ConfigMap", Namespaced: true, HasStatusSubresource: false),
        new("", "v1", "events", "Event", Namespaced: true, HasStatusSubresource: false),
        new("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", Namespaced: true),
        new("batch", "v1", "jobs", "Job", Namespaced: true),
        new("apps", "v1", "deployments", "Deployment", Namespaced: true),
        new("apps", "v1", "statefulsets", "StatefulSet", Namespaced: true),
        new("apps", "v1", "daemonsets", "DaemonSet", Namespaced: true),
        new("coordination.k8s.io", "v1", "leases", "Lease", Namespaced: true, HasStatusSubresource: false),
        new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", Namespaced: true, HasStatusSubresource: false),
        new("", "v1", "serviceaccounts", "ServiceAccount", Namespaced: true, HasStatusSubresource: false),
        .. Auth.FakeRbacAuthorizer.Kinds,
        Webhooks.FakeWebhookKinds.ValidatingConfigurations,
        Webhooks.FakeWebhookKinds.MutatingConfigurations,
    ];

    /// <summary>Retina.NET's custom resources, as the CRDs declare them.</summary>
    public static IReadOnlyList<ResourceDescriptor> Retina { get; } =
    [
        new("retina.sh", "v1alpha1", "metricsconfigurations", "MetricsConfiguration", Namespaced: false),
        new("retina.sh", "v1alpha1", "captures", "Capture", Namespaced: true),
        new("retina.sh", "v1alpha1", "tracesessions", "TraceSession", Namespaced: true),
        new("retina.sh", "v1alpha1", "shellsessions", "ShellSession", Namespaced: true),
        new("retina.sh", "v1alpha1", "capturepolicies", "CapturePolicy", Namespaced: true),
        new("retina.sh", "v1alpha1", "noderuntimes", "NodeRuntime", Namespaced: false),
        new("retina.sh", "v1alpha1", "retinaendpoints", "RetinaEndpoint", Namespaced: true),
    ];
}
