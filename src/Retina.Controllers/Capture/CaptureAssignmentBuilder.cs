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

    /// <param name="remaining">For a node that joins late, what is left of the duration (null: the whole duration, or none).</param>
    /// <param name="startTime">The Capture's start time (status.startTime), which names every node's artifact.</param>
    /// <param name="now">When this assignment is written (the heartbeat grace counts from it).</param>
    public static NodeCaptureAssignment Build(Api.Capture.Capture capture, IEnumerable<string> podIps, TimeSpan? remaining,
        DateTime startTime, DateTime now, IEnumerable<string>? podEndpoints = null)
    {
        var config = capture.Spec.CaptureConfiguration;
        var option = config.CaptureOption ?? new CaptureOption();
        var output = capture.Spec.OutputConfiguration;
        var duration = remaining is { } r ? GoDuration.Format(r) : option.Duration;
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
            PodEndpoints = PodIps(podEndpoints ?? []),
            StartTime = startTime,
            AssignedAt = now,
            OutputFormat = option.OutputFormat ?? CaptureOption.DefaultOutputFormat,
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

    /// <summary>The options every node runs with, defaults filled in, for status (no silent default).</summary>
    public static CaptureEffectiveOptions Effective(Api.Capture.Capture capture, DateTime startTime)
    {
        var option = capture.Spec.CaptureConfiguration.CaptureOption ?? new CaptureOption();
        var size = option.MaxCaptureSize ?? CaptureOption.DefaultMaxCaptureSizeMb;
        var files = option.FileCount ?? 1;
        var stops = new List<string>();
        if (option.Duration is { } d)
        {
            stops.Add($"after {d}");
        }

        stops.Add(files > 1
            ? $"when the Capture is deleted (a ring of {files} files of at most {size} MB each, {(long)size * files} MB in all, oldest dropped first)"
            : $"when the file reaches {size} MB");
        if (option.MaxPackets is { } p)
        {
            stops.Add($"after {p} packets");
        }

        return new CaptureEffectiveOptions
        {
            Duration = option.Duration,
            MaxCaptureSizeMb = size,
            FileCount = files,
            OutputFormat = option.OutputFormat ?? CaptureOption.DefaultOutputFormat,
            PacketSize = option.PacketSize is null or 0 ? 262144 : option.PacketSize,
            ArtifactName = $"{capture.Metadata.Name}-<node>-{ArtifactTime(startTime)}",
            StopsWhen = string.Join(", or ", stops) + ", or when the node's disk budget is spent, whichever comes first",
        };
    }

    /// <summary>The time part of every artifact name, as Retina writes it (Go layout 20060102150405UTC).</summary>
    public static string ArtifactTime(DateTime startTime) => startTime.ToUniversalTime().ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "UTC";
}
