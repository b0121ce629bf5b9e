using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Retina.Api.CapturePolicy;

/// <summary>One time a trigger fired.</summary>
public sealed class CapturePolicyFiring
{
    /// <summary>When it fired.</summary>
    [JsonPropertyName("time")]
    public DateTime Time { get; set; }

    /// <summary>Which trigger fired.</summary>
    [Required]
    [JsonPropertyName("trigger")]
    public string Trigger { get; set; } = "";

    /// <summary>Created, or why it was suppressed: Cooldown, RateLimit, MaxConcurrent, Suspended, NoTarget.</summary>
    [Required]
    [AllowedValues("Created", "Cooldown", "RateLimit", "MaxConcurrent", "Suspended", "NoTarget")]
    [JsonPropertyName("outcome")]
    public string Outcome { get; set; } = "";

    /// <summary>The Capture it created.</summary>
    [JsonPropertyName("capture")]
    public string? Capture { get; set; }

    /// <summary>The alert's fingerprint, or the node for thresholds.</summary>
    [JsonPropertyName("source")]
    public string? Source { get; set; }
}
