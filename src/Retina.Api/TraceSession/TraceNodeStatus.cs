using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.TraceSession;

/// <summary>One node's part of a trace.</summary>
public sealed class TraceNodeStatus
{
    /// <summary>Node name.</summary>
    [Required]
    [JsonPropertyName("node")]
    public string Node { get; set; } = "";

    /// <summary>Pending, Running, Uploading, Completed or Failed.</summary>
    [AllowedValues("Pending", "Running", "Uploading", "Completed", "Failed")]
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    /// <summary>Events recorded on this node.</summary>
    [JsonPropertyName("events")]
    public long? Events { get; set; }

    /// <summary>Events recorded on this node, by kind.</summary>
    [JsonPropertyName("eventsByKind")]
    public Dictionary<string, long>? EventsByKind { get; set; }

    /// <summary>Events lost on this node.</summary>
    [JsonPropertyName("lostEvents")]
    public long? LostEvents { get; set; }

    /// <summary>Files copied to the PersistentVolumeClaim output from this node.</summary>
    [JsonPropertyName("copiedFiles")]
    public long? CopiedFiles { get; set; }

    /// <summary>Machine-readable reason for the phase (e.g. DurationElapsed, MaxEventsReached, RuntimeRestarted, WaitingForNodeRuntime).</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    /// <summary>Why the node is in this phase.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }
}
