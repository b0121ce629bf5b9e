using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Retina.Api.NodeRuntime;

/// <summary>What the node's flight recorder holds now.</summary>
public sealed class NodeFlightRecorderStatus
{
    /// <summary>On (recording), Off (no policy needs it) or Failed (asked for, but it could not start: see reason and message).</summary>
    [AllowedValues("On", "Off", "Failed")]
    [JsonPropertyName("state")]
    public string State { get; set; } = "Off";

    /// <summary>Why it is in this state, machine-readable (NotRequested, Recording, CappedByNode, MemoryBudgetExceeded, NotPrivileged, StartFailed).</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    /// <summary>Why it is in this state.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    /// <summary>The memory bound in force (the spec's maxBytes, capped by the node).</summary>
    [JsonPropertyName("maxBytes")]
    public long? MaxBytes { get; set; }

    /// <summary>How far back packets are kept.</summary>
    [JsonPropertyName("seconds")]
    public int? Seconds { get; set; }

    /// <summary>Bytes held now.</summary>
    [JsonPropertyName("bytesHeld")]
    public long? BytesHeld { get; set; }

    /// <summary>Packets held now.</summary>
    [JsonPropertyName("packetsHeld")]
    public long? PacketsHeld { get; set; }

    /// <summary>Seconds between the oldest and the newest packet held (what a capture fired now can get back).</summary>
    [JsonPropertyName("secondsCovered")]
    public double? SecondsCovered { get; set; }
}
