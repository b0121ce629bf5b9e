using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.TraceSession;

/// <summary>Progress and summary of a trace.</summary>
public sealed class TraceSessionStatus : IResourceStatus
{
    /// <summary>Pending, Running, Uploading, Completed or Failed.</summary>
    [AllowedValues("Pending", "Running", "Uploading", "Completed", "Failed")]
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    /// <summary>Accepted, Ready and error conditions.</summary>
    [MaxItems(16)]
    [JsonPropertyName("conditions")]
    public List<Condition>? Conditions { get; set; }

    /// <summary>The generation this status reflects.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>When tracing started.</summary>
    [JsonPropertyName("startTime")]
    public DateTime? StartTime { get; set; }

    /// <summary>When tracing finished.</summary>
    [JsonPropertyName("completionTime")]
    public DateTime? CompletionTime { get; set; }

    /// <summary>Events recorded on all nodes.</summary>
    [JsonPropertyName("eventCount")]
    public long? EventCount { get; set; }

    /// <summary>Events recorded, by kind.</summary>
    [JsonPropertyName("eventsByKind")]
    public Dictionary<string, long>? EventsByKind { get; set; }

    /// <summary>The most frequent kernel drop reason.</summary>
    [JsonPropertyName("topDropReason")]
    public string? TopDropReason { get; set; }

    /// <summary>The most frequent drop reasons with their counts.</summary>
    [MaxItems(10)]
    [JsonPropertyName("topDropReasons")]
    public List<TraceCount>? TopDropReasons { get; set; }

    /// <summary>The most frequent failing DNS queries (name and rcode) with their counts and pods.</summary>
    [MaxItems(10)]
    [JsonPropertyName("topDnsFailures")]
    public List<TraceCount>? TopDnsFailures { get; set; }

    /// <summary>The connections (connect events) seen most, with their counts and pods.</summary>
    [MaxItems(10)]
    [JsonPropertyName("topTalkers")]
    public List<TraceCount>? TopTalkers { get; set; }

    /// <summary>Events lost on all nodes (ring buffer full, rate limit, writer behind), never silently dropped.</summary>
    [JsonPropertyName("lostEvents")]
    public long? LostEvents { get; set; }

    /// <summary>Events lost, by reason (RingBufferFull, RateLimited, WriterBehind).</summary>
    [JsonPropertyName("lostEventsByReason")]
    public Dictionary<string, long>? LostEventsByReason { get; set; }

    /// <summary>One entry per node: phase, events by kind, lost events.</summary>
    [MaxItems(5000)]
    [JsonPropertyName("nodes")]
    public List<TraceNodeStatus>? Nodes { get; set; }

    /// <summary>Where each node's JSON-lines file went.</summary>
    [MaxItems(20000)]
    [JsonPropertyName("artifacts")]
    public List<CaptureArtifact>? Artifacts { get; set; }
}
