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

    /// <summary>Created, or why it was suppressed: Cooldown, RateLimit, MaxConcurrent, NamespaceBudget, Suspended, NoTarget, NotAllowed.</summary>
    [Required]
    [AllowedValues("Created", "Cooldown", "RateLimit", "MaxConcurrent", "NamespaceBudget", "Suspended", "NoTarget", "NotAllowed")]
    [JsonPropertyName("outcome")]
    public string Outcome { get; set; } = "";

    /// <summary>The Capture it created.</summary>
    [JsonPropertyName("capture")]
    public string? Capture { get; set; }

    /// <summary>The alert's fingerprint, or for a threshold which node breached, at what rate, and its top pod.</summary>
    [JsonPropertyName("source")]
    public string? Source { get; set; }

    /// <summary>The alert's name (its alertname label).</summary>
    [MaxLength(253)]
    [JsonPropertyName("alert")]
    public string? Alert { get; set; }

    /// <summary>The firing episode, fingerprint@startsAt (node:&lt;node&gt;@since for a node's threshold breach): one child at most per episode.</summary>
    [MaxLength(128)]
    [JsonPropertyName("episode")]
    public string? Episode { get; set; }

    /// <summary>The alert's labels that chose the target (those targetFromAlertLabels maps; at most 8).</summary>
    [JsonPropertyName("labels")]
    public Dictionary<string, string>? Labels { get; set; }

    /// <summary>Why it was suppressed, in words.</summary>
    [MaxLength(1024)]
    [JsonPropertyName("message")]
    public string? Message { get; set; }
}
