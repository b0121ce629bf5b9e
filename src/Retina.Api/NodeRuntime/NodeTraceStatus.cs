using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Capture;
using Retina.Api.Schema;
using Retina.Api.TraceSession;

namespace Retina.Api.NodeRuntime;

/// <summary>One trace's progress on the node, with the node's share of the summaries (bounded: the controller merges them).</summary>
public sealed class NodeTraceStatus
{
    /// <summary>The assignment's key.</summary>
    [Required]
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    /// <summary>Pending, Running, Uploading, Completed or Failed.</summary>
    [AllowedValues("Pending", "Running", "Uploading", "Completed", "Failed")]
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    /// <summary>Why it is in this phase, machine-readable (DurationElapsed, MaxEventsReached, Stopped, RuntimeRestarted, ...).</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    /// <summary>Why it is in this phase.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("startTime")]
    public DateTime? StartTime { get; set; }

    [JsonPropertyName("completionTime")]
    public DateTime? CompletionTime { get; set; }

    /// <summary>Events written.</summary>
    [JsonPropertyName("events")]
    public long? Events { get; set; }

    /// <summary>Events written, by kind.</summary>
    [JsonPropertyName("eventsByKind")]
    public Dictionary<string, long>? EventsByKind { get; set; }

    /// <summary>Events lost, by reason (RingBufferFull, RateLimited, WriterBehind).</summary>
    [JsonPropertyName("lostEventsByReason")]
    public Dictionary<string, long>? LostEventsByReason { get; set; }

    /// <summary>Files delivered to every Blob/S3 output.</summary>
    [JsonPropertyName("uploadedFiles")]
    public long? UploadedFiles { get; set; }

    /// <summary>Files that did not reach a Blob/S3 output after the retries (they stay on the node; the message says why).</summary>
    [JsonPropertyName("uploadFailures")]
    public long? UploadFailures { get; set; }

    /// <summary>
    /// With a PersistentVolumeClaim output: the closed files (absolute paths on the node, oldest first) not yet copied
    /// to the claim; the controllers copy them with a Job on this node.
    /// </summary>
    [MaxItems(64)]
    [JsonPropertyName("closedFiles")]
    public List<string>? ClosedFiles { get; set; }

    /// <summary>Compressed bytes written.</summary>
    [JsonPropertyName("bytes")]
    public long? Bytes { get; set; }

    [MaxItems(10)]
    [JsonPropertyName("topDropReasons")]
    public List<TraceCount>? TopDropReasons { get; set; }

    [MaxItems(10)]
    [JsonPropertyName("topDnsFailures")]
    public List<TraceCount>? TopDnsFailures { get; set; }

    [MaxItems(10)]
    [JsonPropertyName("topTalkers")]
    public List<TraceCount>? TopTalkers { get; set; }

    /// <summary>Files written (rotated ones included) and where they were delivered.</summary>
    [MaxItems(64)]
    [JsonPropertyName("artifacts")]
    public List<CaptureArtifact>? Artifacts { get; set; }
}
