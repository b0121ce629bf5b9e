using System.Globalization;
using k8s.Models;

namespace Retina.PodMetrics.Bench;

/// <summary>
/// Pods shaped like a Deployment's pods on a real cluster (about 5 KiB of JSON each): owner reference, the usual
/// labels and annotations, managedFields of kubelet and kube-controller-manager, two containers with env, ports,
/// probes, resources and mounts, a projected service-account volume, tolerations, conditions and container statuses.
/// </summary>
internal static class RealisticPods
{
    public static V1Pod Pod(int i, string node)
    {
        var app = "svc-" + (i % 250).ToString("D3", CultureInfo.InvariantCulture);
        var hash = "6d8f9c7b" + (i % 10).ToString(CultureInfo.InvariantCulture);
        var name = $"{app}-{hash}-{i:x5}";
        var ns = "team-" + (i % 40).ToString("D2", CultureInfo.InvariantCulture);
        var started = new DateTime(2026, 11, 30, 8, 0, 0, DateTimeKind.Utc).AddSeconds(i);
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = ns,
                GenerateName = $"{app}-{hash}-",
                Labels = new Dictionary<string, string>
                {
                    ["app"] = app,
                    ["app.kubernetes.io/name"] = app,
                    ["app.kubernetes.io/part-of"] = "shop",
                    ["app.kubernetes.io/version"] = "1.42.0",
                    ["pod-template-hash"] = hash,
                },
                Annotations = new Dictionary<string, string>
                {
                    ["kubectl.kubernetes.io/restartedAt"] = "2026-11-29T10:00:00Z",
                    ["prometheus.io/scrape"] = "true",
                    ["prometheus.io/port"] = "9090",
                    ["checksum/config"] = "3f1c2a9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f",
                },
                OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = $"{app}-{hash}", Uid = Guid.NewGuid().ToString(), Controller = true, BlockOwnerDeletion = true }],
                ManagedFields =
                [
                    new V1ManagedFieldsEntry { Manager = "kube-controller-manager", Operation = "Update", ApiVersion = "v1", Time = started, FieldsType = "FieldsV1", FieldsV1 = ManagedSpec },
                    new V1ManagedFieldsEntry { Manager = "kubelet", Operation = "Update", ApiVersion = "v1", Time = started.AddSeconds(3), FieldsType = "FieldsV1", FieldsV1 = ManagedStatus, Subresource = "status" },
                ],
            },
            Spec = new V1PodSpec
            {
                NodeName = node,
                ServiceAccountName = app,
                DnsPolicy = "ClusterFirst",
                RestartPolicy = "Always",
                SchedulerName = "default-scheduler",
                TerminationGracePeriodSeconds = 30,
                EnableServiceLinks = true,
                PreemptionPolicy = "PreemptLowerPriority",
                Priority = 0,
                SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, FsGroup = 2000, SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } },
                Containers = [Container(app, "registry.example.com/shop/" + app + ":1.42.0", 8080), Container("envoy", "registry.example.com/mesh/envoy:1.31.2", 15001)],
                Volumes =
                [
                    new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = app + "-config", DefaultMode = 420 } },
                    new V1Volume
                    {
                        Name = "kube-api-access-" + i.ToString("x5", CultureInfo.InvariantCulture),
                        Projected = new V1ProjectedVolumeSource
                        {
                            DefaultMode = 420,
                            Sources =
                            [
                                new V1VolumeProjection { ServiceAccountToken = new V1ServiceAccountTokenProjection { ExpirationSeconds = 3607, Path = "token" } },
                                new V1VolumeProjection { ConfigMap = new V1ConfigMapProjection { Name = "kube-root-ca.crt", Items = [new V1KeyToPath { Key = "ca.crt", Path = "ca.crt" }] } },
                            ],
                        },
                    },
                ],
                Tolerations =
                [
                    new V1Toleration { Key = "node.kubernetes.io/not-ready", OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 300 },
                    new V1Toleration { Key = "node.kubernetes.io/unreachable", OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 300 },
                ],
            },
            Status = new V1PodStatus
            {
                Phase = "Running",
                QosClass = "Burstable",
                HostIP = "10.240.0." + (i % 100 + 4).ToString(CultureInfo.InvariantCulture),
                PodIP = Ip(i),
                PodIPs = [new V1PodIP { Ip = Ip(i) }],
                StartTime = started,
                Conditions =
                [
                    new V1PodCondition { Type = "PodReadyToStartContainers", Status = "True", LastTransitionTime = started.AddSeconds(2) },
                    new V1PodCondition { Type = "Initialized", Status = "True", LastTransitionTime = started },
                    new V1PodCondition { Type = "Ready", Status = "True", LastTransitionTime = started.AddSeconds(9) },
                    new V1PodCondition { Type = "ContainersReady", Status = "True", LastTransitionTime = started.AddSeconds(9) },
                    new V1PodCondition { Type = "PodScheduled", Status = "True", LastTransitionTime = started },
                ],
                ContainerStatuses = [Status(app, i, started), Status("envoy", i, started)],
            },
        };
    }

    /// <summary>The address of pod <paramref name="i"/>: 10.(i / 65536 + 100).x.y, unique up to a million pods.</summary>
    public static string Ip(int i) => $"10.{100 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}";

    private static readonly object ManagedSpec = new Dictionary<string, object>
    {
        ["f:metadata"] = new Dictionary<string, object> { ["f:generateName"] = new { }, ["f:labels"] = new Dictionary<string, object> { [".:"] = new { }, ["f:app"] = new { }, ["f:pod-template-hash"] = new { } }, ["f:ownerReferences"] = new { } },
        ["f:spec"] = new Dictionary<string, object> { ["f:containers"] = new { }, ["f:dnsPolicy"] = new { }, ["f:enableServiceLinks"] = new { }, ["f:restartPolicy"] = new { }, ["f:schedulerName"] = new { }, ["f:securityContext"] = new { }, ["f:terminationGracePeriodSeconds"] = new { }, ["f:volumes"] = new { } },
    };

    private static readonly object ManagedStatus = new Dictionary<string, object>
    {
        ["f:status"] = new Dictionary<string, object> { ["f:conditions"] = new { }, ["f:containerStatuses"] = new { }, ["f:hostIP"] = new { }, ["f:phase"] = new { }, ["f:podIP"] = new { }, ["f:podIPs"] = new { }, ["f:startTime"] = new { } },
    };

    private static V1Container Container(string name, string image, int port) => new()
    {
        Name = name,
        Image = image,
        ImagePullPolicy = "IfNotPresent",
        Ports = [new V1ContainerPort { Name = "http", ContainerPort = port, Protocol = "TCP" }, new V1ContainerPort { Name = "metrics", ContainerPort = 9090, Protocol = "TCP" }],
        Env =
        [
            new V1EnvVar { Name = "LOG_LEVEL", Value = "info" },
            new V1EnvVar { Name = "OTEL_EXPORTER_OTLP_ENDPOINT", Value = "http://otel-collector.observability:4317" },
            new V1EnvVar { Name = "POD_NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name", ApiVersion = "v1" } } },
        ],
        Resources = new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("128Mi") },
            Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("512Mi") },
        },
        ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/ready", Port = port, Scheme = "HTTP" }, PeriodSeconds = 10, TimeoutSeconds = 1, SuccessThreshold = 1, FailureThreshold = 3 },
        LivenessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = port, Scheme = "HTTP" }, PeriodSeconds = 10, TimeoutSeconds = 1, SuccessThreshold = 1, FailureThreshold = 3 },
        VolumeMounts = [new V1VolumeMount { Name = "config", MountPath = "/etc/" + name, ReadOnlyProperty = true }],
        SecurityContext = new V1SecurityContext { AllowPrivilegeEscalation = false, ReadOnlyRootFilesystem = true, Capabilities = new V1Capabilities { Drop = ["ALL"] } },
        TerminationMessagePath = "/dev/termination-log",
        TerminationMessagePolicy = "File",
    };

    private static V1ContainerStatus Status(string name, int i, DateTime started) => new()
    {
        Name = name,
        Ready = true,
        Started = true,
        RestartCount = 0,
        Image = "registry.example.com/" + name + ":1.42.0",
        ImageID = "registry.example.com/" + name + "@sha256:9b2f6c1d0e3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c",
        ContainerID = "containerd://" + i.ToString("x8", CultureInfo.InvariantCulture) + "4d1f7e9a2b3c5d6e8f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b",
        State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = started.AddSeconds(5) } },
        LastState = new V1ContainerState(),
    };
}
