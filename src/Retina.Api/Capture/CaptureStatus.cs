using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.Capture;

/// <summary>Where the capture stands, per node and overall (Retina's fields first, then ours).</summary>
public sealed class CaptureStatus : IResourceStatus
{
    /// <summary>Retina's condition types complete and error, plus ours (Accepted, Ready).</summary>
    [MaxItems(16)]
    [JsonPropertyName("conditions")]
    public List<Condition>? Conditions { get; set; }

    /// <summary>When the controller started the capture.</summary>
    [JsonPropertyName("startTime")]
    public DateTime? StartTime { get; set; }

    /// <summary>When the last node finished, set only when the capture succeeded.</summary>
    [JsonPropertyName("completionTime")]
    public DateTime? CompletionTime { get; set; }

    /// <summary>Nodes still pending or capturing.</summary>
    [JsonPropertyName("active")]
    public int? Active { get; set; }

    /// <summary>Nodes that finished and delivered their artifact.</summary>
    [JsonPropertyName("succeeded")]
    public int? Succeeded { get; set; }

    /// <summary>Nodes that failed.</summary>
    [JsonPropertyName("failed")]
    public int? Failed { get; set; }

    /// <summary>Pending, Running, Uploading, Completed or Failed.</summary>
    [AllowedValues("Pending", "Running", "Uploading", "Completed", "Failed")]
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    /// <summary>How many nodes the capture runs on.</summary>
    [JsonPropertyName("totalNodes")]
    public int? TotalNodes { get; set; }

    /// <summary>The generation this status reflects.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>One entry per node.</summary>
    [MaxItems(5000)]
    [JsonPropertyName("nodes")]
    public List<CaptureNodeStatus>? Nodes { get; set; }

    /// <summary>Where each tarball went.</summary>
    [MaxItems(20000)]
    [JsonPropertyName("artifacts")]
    public List<CaptureArtifact>? Artifacts { get; set; }
}
