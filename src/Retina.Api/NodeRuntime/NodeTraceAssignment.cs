using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Capture;
using Retina.Api.Schema;
using Retina.Api.TraceSession;

namespace Retina.Api.NodeRuntime;

/// <summary>One TraceSession's work on this node, resolved by the controller (pods resolved to addresses).</summary>
public sealed class NodeTraceAssignment
{
    /// <summary>Unique key: namespace/name/uid of the TraceSession.</summary>
    [Required]
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    /// <summary>TraceSession namespace.</summary>
    [JsonPropertyName("namespace")]
    public string Namespace { get; set; } = "";

    /// <summary>TraceSession name (files are named &lt;name&gt;-&lt;node&gt;-&lt;UTC timestamp&gt;.jsonl.gz).</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>Event kinds to record (TraceEventKinds).</summary>
    [MaxItems(7)]
    [JsonPropertyName("events")]
    public List<string>? Events { get; set; }

    /// <summary>
    /// Addresses of the traced pods on this node: the kernel keeps only events with one end in this set. Empty (or unset)
    /// with <see cref="WholeNode"/> true traces the whole node; empty without it traces nothing yet (pods not started).
    /// </summary>
    [MaxItems(NodeCaptureAssignment.MaxPodIps)]
    [JsonPropertyName("podIPs")]
    public List<string>? PodIps { get; set; }

    /// <summary>Trace every event of the node (a nodeSelector target, authorized with nodes/trace).</summary>
    [JsonPropertyName("wholeNode")]
    public bool? WholeNode { get; set; }

    /// <summary>Addresses/CIDRs, ports and protocols events must match.</summary>
    [JsonPropertyName("filters")]
    public TraceFilters? Filters { get; set; }

    /// <summary>Duration, Go syntax; unset runs until withdrawn.</summary>
    [JsonPropertyName("duration")]
    public string? Duration { get; set; }

    /// <summary>The TraceSession's start time (status.startTime): every node names its first file from it.</summary>
    [JsonPropertyName("startTime")]
    public DateTime? StartTime { get; set; }

    /// <summary>When the controller wrote this assignment (a runtime that has not reported since gets a grace period).</summary>
    [JsonPropertyName("assignedAt")]
    public DateTime? AssignedAt { get; set; }

    /// <summary>One in N events.</summary>
    [JsonPropertyName("sampling")]
    public int? Sampling { get; set; }

    /// <summary>Event limit on this node.</summary>
    [JsonPropertyName("maxEvents")]
    public long? MaxEvents { get; set; }

    /// <summary>Events per second limit on this node; the rest count as lost (RateLimited).</summary>
    [JsonPropertyName("maxEventsPerSecond")]
    public int? MaxEventsPerSecond { get; set; }

    /// <summary>Rotate after this many MB of compressed output.</summary>
    [JsonPropertyName("maxFileSizeMB")]
    public int? MaxFileSizeMb { get; set; }

    /// <summary>Keep at most this many files.</summary>
    [JsonPropertyName("fileCount")]
    public int? FileCount { get; set; }

    /// <summary>Host-path directory relative to the runtime's capture base directory; unset with no other output keeps only the summary.</summary>
    [JsonPropertyName("hostPath")]
    public string? HostPath { get; set; }

    /// <summary>The TraceSession's Secret with key blob-upload-url (values come from the controllers' credential endpoint).</summary>
    [JsonPropertyName("blobSecret")]
    public string? BlobSecret { get; set; }

    /// <summary>S3 destination; secretName names the TraceSession's Secret.</summary>
    [JsonPropertyName("s3")]
    public S3Upload? S3 { get; set; }

    /// <summary>
    /// The TraceSession's PersistentVolumeClaim: the node keeps each closed file (staged under its capture base when
    /// there is no hostPath) and reports it in status.closedFiles until the controllers' copy Job has put it in the claim.
    /// </summary>
    [JsonPropertyName("persistentVolumeClaim")]
    public string? PersistentVolumeClaim { get; set; }

    /// <summary>
    /// File name (no directory) of the newest file the controllers copied to the claim (files are copied oldest first,
    /// so every earlier one is copied too): the node no longer reports them, and deletes staged ones.
    /// </summary>
    [JsonPropertyName("copiedThrough")]
    public string? CopiedThrough { get; set; }

    /// <summary>Files the controllers copied to the claim so far (their count for status).</summary>
    [JsonPropertyName("copiedFiles")]
    public long? CopiedFiles { get; set; }

    /// <summary>Why copying to the claim stopped (a copy Job failed for good); the files stay on the node.</summary>
    [JsonPropertyName("copyError")]
    public string? CopyError { get; set; }

    /// <summary>Stop now (deleted, or the controller cut it short).</summary>
    [JsonPropertyName("stop")]
    public bool? Stop { get; set; }
}
