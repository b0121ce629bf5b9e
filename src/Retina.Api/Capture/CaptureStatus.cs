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

    /// <summary>When the controller started the capture, to the second: every node's artifact is named from it (as in Retina), so names can be derived from status.</summary>
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

    /// <summary>The options every node runs with, defaults filled in.</summary>
    [JsonPropertyName("effectiveOptions")]
    public CaptureEffectiveOptions? EffectiveOptions { get; set; }

    /// <summary>The generation this status reflects.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Schema cap on <see cref="Nodes"/>: past it the first nodes by name are listed, totalNodes and the counts cover all, and a condition says so.</summary>
    public const int MaxNodes = 5000;

    /// <summary>Schema cap on <see cref="Artifacts"/>: past it the first artifacts are kept, totalArtifacts counts all, and a condition says so.</summary>
    public const int MaxArtifacts = 20000;

    /// <summary>One entry per node (at most 5000, by node name; totalNodes counts every node).</summary>
    [MaxItems(MaxNodes)]
    [JsonPropertyName("nodes")]
    public List<CaptureNodeStatus>? Nodes { get; set; }

    /// <summary>Where each tarball went (at most 20000; totalArtifacts counts every one).</summary>
    [MaxItems(MaxArtifacts)]
    [JsonPropertyName("artifacts")]
    public List<CaptureArtifact>? Artifacts { get; set; }

    /// <summary>How many artifacts the nodes delivered, including any beyond the artifacts list's cap.</summary>
    [JsonPropertyName("totalArtifacts")]
    public int? TotalArtifacts { get; set; }
}
