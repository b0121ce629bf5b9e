using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Retina.Api.Capture;

/// <summary>One node's part of a capture.</summary>
public sealed class CaptureNodeStatus
{
    /// <summary>Node name.</summary>
    [Required]
    [JsonPropertyName("node")]
    public string Node { get; set; } = "";

    /// <summary>Pending, Running, Uploading, Completed or Failed.</summary>
    [AllowedValues("Pending", "Running", "Uploading", "Completed", "Failed")]
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    /// <summary>Packets written.</summary>
    [JsonPropertyName("packets")]
    public long? Packets { get; set; }

    /// <summary>Bytes written.</summary>
    [JsonPropertyName("bytes")]
    public long? Bytes { get; set; }

    /// <summary>Packets the kernel dropped before we could read them (PACKET_STATISTICS).</summary>
    [JsonPropertyName("kernelDrops")]
    public long? KernelDrops { get; set; }

    /// <summary>Where this node's tarball is.</summary>
    [JsonPropertyName("artifact")]
    public string? Artifact { get; set; }

    /// <summary>Machine-readable reason for the phase (e.g. DurationElapsed, MaxCaptureSizeReached, DiskBudgetExceeded, WaitingForNodeRuntime).</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    /// <summary>Why the node is in this phase (e.g. the limit that ended it, or the failure).</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }
}
