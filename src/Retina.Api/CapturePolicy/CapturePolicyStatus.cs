using System.Text.Json.Serialization;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.CapturePolicy;

/// <summary>Whether the policy can fire, and its recent firings.</summary>
public sealed class CapturePolicyStatus : IResourceStatus
{
    /// <summary>True when the policy is valid, not suspended and not held back by its limits.</summary>
    [JsonPropertyName("armed")]
    public bool? Armed { get; set; }

    /// <summary>Child Captures created so far.</summary>
    [JsonPropertyName("firedCount")]
    public long? FiredCount { get; set; }

    /// <summary>Firings that did not create a Capture (each reason is in firings).</summary>
    [JsonPropertyName("suppressedCount")]
    public long? SuppressedCount { get; set; }

    /// <summary>When the policy last created a Capture.</summary>
    [JsonPropertyName("lastFiredTime")]
    public DateTime? LastFiredTime { get; set; }

    /// <summary>Child Captures still running.</summary>
    [MaxItems(10)]
    [JsonPropertyName("activeCaptures")]
    public List<string>? ActiveCaptures { get; set; }

    /// <summary>The most recent firings, newest first, including suppressed ones and why.</summary>
    [MaxItems(64)]
    [JsonPropertyName("firings")]
    public List<CapturePolicyFiring>? Firings { get; set; }

    /// <summary>Accepted and Armed conditions.</summary>
    [MaxItems(16)]
    [JsonPropertyName("conditions")]
    public List<Condition>? Conditions { get; set; }

    /// <summary>The generation this status reflects.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }
}
