using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Capture;
using TraceObject = Retina.Api.TraceSession.TraceSession;

namespace Retina.Controllers.TraceSession;

/// <summary>What one node must do for a TraceSession: the spec in plain form with defaults filled in, and its pod IPs.</summary>
public static class TraceAssignmentBuilder
{
    /// <summary>Default of spec.maxEvents (per node).</summary>
    public const long DefaultMaxEvents = 100_000;

    /// <summary>Default of spec.rotation.maxFileSizeMB.</summary>
    public const int DefaultMaxFileSizeMb = 100;

    /// <summary>Default of spec.rotation.fileCount.</summary>
    public const int DefaultFileCount = 10;

    public static string Key(TraceObject t) => $"{t.Metadata.NamespaceProperty}/{t.Metadata.Name}/{t.Metadata.Uid}";

    /// <param name="podIps">The traced pods' addresses on this node (empty for a whole-node target).</param>
    /// <param name="remaining">For a node that joins late, what is left of the duration (null: the whole duration, or none).</param>
    public static NodeTraceAssignment Build(TraceObject trace, IEnumerable<string> podIps, TimeSpan? remaining, DateTime startTime, DateTime now)
    {
        var spec = trace.Spec;
        var output = spec.OutputConfiguration;
        return new NodeTraceAssignment
        {
            Key = Key(trace),
            Namespace = trace.Metadata.NamespaceProperty,
            Name = trace.Metadata.Name,
            Events = spec.Events.ToList(),
            PodIps = CaptureAssignmentBuilder.PodIps(podIps),
            WholeNode = spec.Target.NodeSelector is not null ? true : null,
            Filters = spec.Filters,
            Duration = remaining is { } r ? GoDuration.Format(r) : spec.Duration,
            StartTime = startTime,
            AssignedAt = now,
            Sampling = spec.Sampling,
            MaxEvents = spec.MaxEvents ?? DefaultMaxEvents,
            MaxEventsPerSecond = spec.MaxEventsPerSecond,
            MaxFileSizeMb = spec.Rotation?.MaxFileSizeMb ?? DefaultMaxFileSizeMb,
            FileCount = spec.Rotation?.FileCount ?? DefaultFileCount,
            HostPath = output?.HostPath,
            BlobSecret = output?.BlobUpload,
            PersistentVolumeClaim = output?.PersistentVolumeClaim,
            S3 = output?.S3Upload is { } s3
                ? new S3Upload { Bucket = s3.Bucket, Region = s3.Region, Endpoint = s3.Endpoint, Path = s3.Path, SecretName = s3.SecretName }
                : null,
        };
    }

    /// <summary>A copy of <paramref name="current"/> with the node's pod IPs brought up to date (pods that started or went).</summary>
    public static NodeTraceAssignment WithPodIps(NodeTraceAssignment current, IEnumerable<string> podIps)
    {
        var copy = Copy(current);
        copy.PodIps = CaptureAssignmentBuilder.PodIps(podIps);
        return copy;
    }

    /// <summary>A copy of <paramref name="current"/> told to stop (deleted, or its duration is over).</summary>
    public static NodeTraceAssignment Stopped(NodeTraceAssignment current)
    {
        var copy = Copy(current);
        copy.Stop = true;
        return copy;
    }

    /// <summary>
    /// A copy of <paramref name="current"/> that records a copy Job's <paramref name="files"/> (oldest first) in the claim;
    /// <paramref name="current"/> itself when it had them already (a Job is counted once, whatever the caller's cache saw).
    /// </summary>
    public static NodeTraceAssignment WithCopied(NodeTraceAssignment current, IReadOnlyList<string> files)
    {
        var added = files.Where(f => current.CopiedThrough is not { } through || Api.TraceSession.TraceFileNames.Compare(f, through) > 0).ToList();
        if (added.Count == 0)
        {
            return current;
        }

        var copy = Copy(current);
        copy.CopiedThrough = added[^1];
        copy.CopiedFiles = (current.CopiedFiles ?? 0) + added.Count;
        return copy;
    }

    /// <summary>A copy of <paramref name="current"/> whose copying to the claim stopped, and why.</summary>
    public static NodeTraceAssignment WithCopyError(NodeTraceAssignment current, string error)
    {
        var copy = Copy(current);
        copy.CopyError = error;
        return copy;
    }

    private static NodeTraceAssignment Copy(NodeTraceAssignment a) =>
        System.Text.Json.JsonSerializer.Deserialize<NodeTraceAssignment>(System.Text.Json.JsonSerializer.Serialize(a))!;
}
