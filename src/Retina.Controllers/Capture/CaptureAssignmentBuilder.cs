using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Api.NodeRuntime;

namespace Retina.Controllers.Capture;

/// <summary>What one node must do for a Capture: the spec's options in plain form, its pod IPs and the names of its output Secrets.</summary>
public static class CaptureAssignmentBuilder
{
    public static string Key(Api.Capture.Capture c) => $"{c.Metadata.NamespaceProperty}/{c.Metadata.Name}/{c.Metadata.Uid}";

    /// <summary>The pod IPs a node is narrowed to, within the schema cap: the first ones in order (null for none).</summary>
    public static List<string>? PodIps(IEnumerable<string> podIps)
    {
        var list = podIps.Take(NodeCaptureAssignment.MaxPodIps).ToList();
        return list.Count > 0 ? list : null;
    }

    /// <summary>
    /// The node's own network state (host iptables, sockets, /proc/net) only for a node-wide target, the one kind of
    /// target whose author admission checked for <c>create nodes/capture</c>; every pod target gets the pods' namespaces only.
    /// </summary>
    public static string MetadataScope(CaptureTarget? target) =>
        target?.NodeSelector is not null ? NodeCaptureAssignment.MetadataScopeNode : NodeCaptureAssignment.MetadataScopePods;

    public static NodeCaptureAssignment Build(Api.Capture.Capture capture, IEnumerable<string> podIps, TimeSpan? remaining)
    {
        var config = capture.Spec.CaptureConfiguration;
        var option = config.CaptureOption ?? new CaptureOption();
        var output = capture.Spec.OutputConfiguration;
        var duration = remaining is { } r ? GoDuration.Format(r) : option.Duration ?? CaptureOption.DefaultDuration;
        return new NodeCaptureAssignment
        {
            Key = Key(capture),
            Namespace = capture.Metadata.NamespaceProperty,
            Name = capture.Metadata.Name,
            PcapFilter = option.PcapFilter ?? config.TcpdumpFilter,
            SourceIps = option.SourceIPs,
            DestinationIps = option.DestinationIPs,
            Include = config.Filters?.Include,
            Exclude = config.Filters?.Exclude,
            PodIps = PodIps(podIps),
            Interfaces = option.Interfaces,
            Duration = duration,
            MaxCaptureSizeMb = option.MaxCaptureSize ?? CaptureOption.DefaultMaxCaptureSizeMb,
            FileCount = option.FileCount,
            MaxPackets = option.MaxPackets,
            PacketSize = option.PacketSize,
            NoPromiscuous = option.NoPromiscuous,
            PreTriggerSeconds = option.PreTriggerSeconds,
            IncludeMetadata = config.IncludeMetadata ?? true,
            MetadataScope = MetadataScope(config.CaptureTarget),
            // A PVC output is fed from the node's host-path copy by a copy Job, so it needs one.
            HostPath = output.HostPath ?? (output.PersistentVolumeClaim is not null ? $"pvc-staging/{capture.Metadata.Uid}" : null),
            BlobSecret = output.BlobUpload,
            S3 = output.S3Upload is { } s3
                ? new S3Upload { Bucket = s3.Bucket, Region = s3.Region, Endpoint = s3.Endpoint, Path = s3.Path, SecretName = s3.SecretName }
                : null,
            CleanUpAfterUpload = capture.Spec.CleanUpAfterUpload,
        };
    }
}
