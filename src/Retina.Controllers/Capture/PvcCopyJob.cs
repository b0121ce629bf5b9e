using k8s.Models;

namespace Retina.Controllers.Capture;

/// <summary>
/// The one Job we create: on the node that produced a tarball, copy it from the node's capture directory into the
/// Capture's PersistentVolumeClaim. The command is an argument list (no shell), the source is mounted read-only,
/// and the container runs as non-root without privileges.
/// </summary>
public static class PvcCopyJob
{
    public const string CaptureUidLabel = "retina.sh/capture-uid";
    public const string NodeLabel = "retina.sh/node";

    public static string Name(Api.Capture.Capture capture, string node)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(node)))[..8];
        return $"retina-copy-{capture.Metadata.Uid[..8]}-{hash}";
    }

    public static V1Job Build(Api.Capture.Capture capture, string node, string artifactPath, string image)
    {
        var directory = Path.GetDirectoryName(artifactPath)!;
        var file = Path.GetFileName(artifactPath);
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta
            {
                Name = Name(capture, node),
                NamespaceProperty = capture.Metadata.NamespaceProperty,
                Labels = new Dictionary<string, string>
                {
                    [CaptureUidLabel] = capture.Metadata.Uid,
                    [NodeLabel] = node,
                    ["app.kubernetes.io/managed-by"] = "retina-controllers",
                },
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = Api.Common.RetinaGroup.ApiVersion, Kind = Api.Capture.Capture.KindName,
                        Name = capture.Metadata.Name, Uid = capture.Metadata.Uid, Controller = true, BlockOwnerDeletion = true,
                    },
                ],
            },
            Spec = new V1JobSpec
            {
                BackoffLimit = 3,
                ActiveDeadlineSeconds = 600,
                TtlSecondsAfterFinished = 3600,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { [CaptureUidLabel] = capture.Metadata.Uid } },
                    Spec = new V1PodSpec
                    {
                        NodeName = node,
                        RestartPolicy = "OnFailure",
                        AutomountServiceAccountToken = false,
                        Tolerations = [new V1Toleration { OperatorProperty = "Exists" }],
                        SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, RunAsUser = 65534, FsGroup = 65534 },
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "copy",
                                Image = image,
                                Command = ["cp", "--", $"/source/{file}", $"/destination/{file}"],
                                SecurityContext = new V1SecurityContext
                                {
                                    AllowPrivilegeEscalation = false,
                                    ReadOnlyRootFilesystem = true,
                                    Capabilities = new V1Capabilities { Drop = ["ALL"] },
                                },
                                VolumeMounts =
                                [
                                    new V1VolumeMount { Name = "source", MountPath = "/source", ReadOnlyProperty = true },
                                    new V1VolumeMount { Name = "destination", MountPath = "/destination" },
                                ],
                                Resources = new V1ResourceRequirements
                                {
                                    Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("10m"), ["memory"] = new("16Mi") },
                                    Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("64Mi") },
                                },
                            },
                        ],
                        Volumes =
                        [
                            new V1Volume { Name = "source", HostPath = new V1HostPathVolumeSource { Path = directory, Type = "Directory" } },
                            new V1Volume { Name = "destination", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = capture.Spec.OutputConfiguration.PersistentVolumeClaim } },
                        ],
                    },
                },
            },
        };
    }
}
