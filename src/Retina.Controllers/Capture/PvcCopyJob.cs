using k8s.Models;
using Retina.Kube.Client;

namespace Retina.Controllers.Capture;

/// <summary>
/// The one kind of Job we create: on the node that produced a Capture's tarball or a TraceSession's closed files, copy
/// them from the node's capture directory into the owner's PersistentVolumeClaim. The command is an argument list (no
/// shell), the source is mounted read-only (and only after <see cref="SourceRefusal"/> found it under the capture base),
/// and the container runs as non-root without privileges or privilege escalation, under the RuntimeDefault seccomp profile.
/// The pod goes through the scheduler (required node affinity on the node's <c>kubernetes.io/hostname</c> label, not
/// <c>nodeName</c>): a <c>WaitForFirstConsumer</c> claim binds only when the scheduler places a consumer, and volume
/// topology conflicts then show as an unschedulable pod the Capture reports. Node and claim names may be 253
/// characters, label values at most 63: labels carry hashes, annotations the full names.
/// </summary>
public static class PvcCopyJob
{
    public const string CaptureUidLabel = "retina.sh/capture-uid";
    public const string TraceUidLabel = "retina.sh/trace-uid";
    public const string NodeHashLabel = "retina.sh/node-hash";
    public const string ClaimHashLabel = "retina.sh/claim-hash";
    public const string NodeAnnotation = "retina.sh/node";
    public const string ClaimAnnotation = "retina.sh/claim";

    /// <summary>The file names a Job copies, one per line, oldest first.</summary>
    public const string FilesAnnotation = "retina.sh/files";
    public const string HostnameLabel = "kubernetes.io/hostname";

    /// <summary>The label the Job controller puts on a Job's pods (Kubernetes 1.27+).</summary>
    public const string JobNameLabel = "batch.kubernetes.io/job-name";

    public static string Name(Api.Capture.Capture capture, string node) => $"retina-copy-{capture.Metadata.Uid[..8]}-{Hash(node)[..8]}";

    /// <summary>A label value for any name: 16 hex characters of its SHA-256.</summary>
    public static string Hash(string name) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..16];

    /// <summary>
    /// Why the copy Job must not mount <paramref name="location"/> (a tarball path a node reported), or null when it may:
    /// the path must be absolute and plain (no <c>.</c>, <c>..</c> or empty segments, no control characters), and its
    /// directory strictly under the node's capture base. Checked lexically: the node resolved links before reporting
    /// (HostPathConfinement), and a node that lies is refused here before anything is mounted.
    /// </summary>
    public static string? SourceRefusal(string location, string captureBase)
    {
        var root = "/" + captureBase.Trim('/');
        if (!location.StartsWith('/'))
        {
            return $"reported path \"{location}\" is not absolute";
        }

        if (location.Any(char.IsControl) || location.Contains('\\', StringComparison.Ordinal))
        {
            return "reported path contains control characters or backslashes";
        }

        var segments = location[1..].Split('/');
        if (segments.Any(s => s is "" or "." or ".."))
        {
            return $"reported path \"{location}\" has empty, \".\" or \"..\" segments";
        }

        var directory = "/" + string.Join('/', segments[..^1]);
        return directory.StartsWith(root + "/", StringComparison.Ordinal)
            ? null
            : $"reported path \"{location}\" is not under the capture base {root}";
    }

    /// <summary>The Job's <c>Failed=True</c> condition (it failed for good, after its retries), or null.</summary>
    public static V1JobCondition? Failure(V1Job job) => job.Status?.Conditions?.FirstOrDefault(c => c.Type == "Failed" && c.Status == "True");

    /// <summary>
    /// The node's <c>kubernetes.io/hostname</c> label, which the copy Job's node affinity names (on some clouds it differs
    /// from the node name); without the label (nodes registered by hand) the node name, which is what the kubelet would have set.
    /// </summary>
    public static async Task<string> HostnameAsync(IKubeClient client, string node, CancellationToken ct) =>
        (await client.GetAsync<V1Node>(node, null, ct).ConfigureAwait(false))?.Metadata.Labels is { } labels && labels.TryGetValue(HostnameLabel, out var h) ? h : node;

    /// <summary>Succeeded or failed for good: the claim is free for the next copy.</summary>
    public static bool IsFinished(V1Job job) =>
        job.Status?.Succeeded > 0 || job.Status?.Conditions?.Any(c => c.Type is "Failed" or "Complete" && c.Status == "True") == true;

    /// <summary>What a copy Job copies for: the owning object (a Capture or a TraceSession) and its claim.</summary>
    /// <param name="UidLabel">The label that carries the owner's uid (captures and traces use their own).</param>
    public sealed record Owner(string Kind, string Name, string Namespace, string Uid, string UidLabel, string Claim);

    /// <param name="hostname">The node's <c>kubernetes.io/hostname</c> label (on some clouds it differs from the node name).</param>
    public static V1Job Build(Api.Capture.Capture capture, string node, string hostname, string artifactPath, string image) =>
        Build(new Owner(Api.Capture.Capture.KindName, capture.Metadata.Name, capture.Metadata.NamespaceProperty, capture.Metadata.Uid, CaptureUidLabel,
                capture.Spec.OutputConfiguration.PersistentVolumeClaim!),
            Name(capture, node), node, hostname, Path.GetDirectoryName(artifactPath)!, [Path.GetFileName(artifactPath)], image);

    /// <summary>
    /// The copy Job for <paramref name="files"/> (names in <paramref name="directory"/>, a path the caller checked with
    /// <see cref="SourceRefusal"/>): one file keeps its name in the claim, several go into the claim's root directory.
    /// </summary>
    public static V1Job Build(Owner owner, string jobName, string node, string hostname, string directory, IReadOnlyList<string> files, string image)
    {
        var claim = owner.Claim;
        string[] command = files.Count == 1
            ? ["cp", "--", $"/source/{files[0]}", $"/destination/{files[0]}"]
            : ["cp", "--", .. files.Select(f => $"/source/{f}"), "/destination/"];
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta
            {
                Name = jobName,
                NamespaceProperty = owner.Namespace,
                Labels = new Dictionary<string, string>
                {
                    [owner.UidLabel] = owner.Uid,
                    [NodeHashLabel] = Hash(node),
                    [ClaimHashLabel] = Hash(claim),
                    ["app.kubernetes.io/managed-by"] = "retina-controllers",
                },
                Annotations = new Dictionary<string, string> { [NodeAnnotation] = node, [ClaimAnnotation] = claim, [FilesAnnotation] = string.Join('\n', files) },
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = Api.Common.RetinaGroup.ApiVersion, Kind = owner.Kind,
                        Name = owner.Name, Uid = owner.Uid, Controller = true, BlockOwnerDeletion = true,
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
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { [owner.UidLabel] = owner.Uid } },
                    Spec = new V1PodSpec
                    {
                        Affinity = new V1Affinity
                        {
                            NodeAffinity = new V1NodeAffinity
                            {
                                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                                {
                                    NodeSelectorTerms =
                                    [
                                        new V1NodeSelectorTerm
                                        {
                                            MatchExpressions = [new V1NodeSelectorRequirement { Key = HostnameLabel, OperatorProperty = "In", Values = [hostname] }],
                                        },
                                    ],
                                },
                            },
                        },
                        RestartPolicy = "OnFailure",
                        AutomountServiceAccountToken = false,
                        Tolerations = [new V1Toleration { OperatorProperty = "Exists" }],
                        SecurityContext = new V1PodSecurityContext
                        {
                            RunAsNonRoot = true, RunAsUser = 65534, FsGroup = 65534,
                            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                        },
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "copy",
                                Image = image,
                                Command = command,
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
                            new V1Volume { Name = "destination", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } },
                        ],
                    },
                },
            },
        };
    }

    /// <summary>The scheduler's reason, from the Job's pod's <c>PodScheduled=False</c> condition, when it has one.</summary>
    public static async Task<string?> UnschedulableAsync(IKubeClient client, V1Job job, CancellationToken ct)
    {
        var pods = await client.ListAsync<V1Pod>(new ListOptions { Namespace = job.Metadata.NamespaceProperty, LabelSelector = $"{PvcCopyJob.JobNameLabel}={job.Metadata.Name}" }, ct).ConfigureAwait(false);
        return pods.Items
            .Select(p => p.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False"))
            .Where(c => c is not null)
            .Select(c => $"pod unschedulable ({c!.Reason}): {c.Message}")
            .FirstOrDefault();
    }

    /// <summary>Whether a claim takes one copy at a time, and the copy Job (any Capture's or TraceSession's in the namespace) writing to it now.</summary>
    /// <param name="Readable">Whether the claim could be read (one that cannot is treated as ReadWriteOnce).</param>
    public sealed record ClaimUse(bool Exclusive, bool Readable, V1Job? Busy);

    /// <summary>
    /// A claim that is not ReadWriteMany/ReadOnlyMany (ReadWriteOnce, ReadWriteOncePod, or one we cannot read) gets one
    /// copy Job at a time across every Capture and TraceSession of its namespace, because such a volume attaches to one
    /// node only and a second Job would hang in a multi-attach error.
    /// </summary>
    public static async Task<ClaimUse> ClaimUseAsync(IKubeClient client, string claim, string ns, CancellationToken ct)
    {
        var pvc = await client.GetAsync<V1PersistentVolumeClaim>(claim, ns, ct).ConfigureAwait(false);
        var exclusive = pvc?.Spec?.AccessModes is not { } modes || !modes.Any(m => m is "ReadWriteMany" or "ReadOnlyMany");
        var jobs = (await client.ListAsync<V1Job>(new ListOptions { Namespace = ns, LabelSelector = $"{ClaimHashLabel}={Hash(claim)}" }, ct).ConfigureAwait(false)).Items;
        var busy = exclusive ? jobs.Where(j => !IsFinished(j)).OrderBy(j => j.Metadata.Name, StringComparer.Ordinal).FirstOrDefault() : null;
        return new(exclusive, pvc is not null, busy);
    }

    /// <summary>Why a copy waits for an exclusive claim, in the words both kinds report.</summary>
    public static string WaitingForClaim(string claim, ClaimUse use) =>
        $"waiting: PersistentVolumeClaim {claim} is {(use.Readable ? "ReadWriteOnce" : "not readable (treated as ReadWriteOnce)")} and copy Job {use.Busy!.Metadata.Name} is writing to it; one copy at a time";
}
