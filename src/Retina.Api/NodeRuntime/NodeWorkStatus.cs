using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Capture;
using Retina.Api.Schema;

namespace Retina.Api.NodeRuntime;

/// <summary>One capture's or trace's progress on the node.</summary>
public sealed class NodeWorkStatus
{
    /// <summary>The assignment's key.</summary>
    [Required]
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    /// <summary>Pending, Running, Uploading, Completed or Failed.</summary>
    [AllowedValues("Pending", "Running", "Uploading", "Completed", "Failed")]
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    /// <summary>Packets (captures) or events (traces) recorded.</summary>
    [JsonPropertyName("packets")]
    public long? Packets { get; set; }

    /// <summary>Bytes recorded.</summary>
    [JsonPropertyName("bytes")]
    public long? Bytes { get; set; }

    /// <summary>Packets or events lost before we could read them.</summary>
    [JsonPropertyName("kernelDrops")]
    public long? KernelDrops { get; set; }

    /// <summary>Why it is in this phase.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    /// <summary>
    /// Why it is in this phase, machine-readable: e.g. Queued (Pending: the node already runs its maximum of concurrent
    /// captures and starts this one when a slot frees), DurationElapsed, DiskBudgetExceeded, MemoryBudgetExceeded.
    /// </summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    /// <summary>When it started.</summary>
    [JsonPropertyName("startTime")]
    public DateTime? StartTime { get; set; }

    /// <summary>When it finished.</summary>
    [JsonPropertyName("completionTime")]
    public DateTime? CompletionTime { get; set; }

    /// <summary>Delivered artifacts.</summary>
    [MaxItems(16)]
    [JsonPropertyName("artifacts")]
    public List<CaptureArtifact>? Artifacts { get; set; }
}
