using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.CapturePolicy;

/// <summary>A node-local rate that must stay above a value for a while.</summary>
public sealed class ThresholdTrigger
{
    /// <summary>dropRate (packets dropped per second), retransmitRate (TCP retransmits per second) or dnsFailureRate (failed DNS answers per second).</summary>
    [Required]
    [AllowedValues("dropRate", "retransmitRate", "dnsFailureRate")]
    [JsonPropertyName("metric")]
    public string Metric { get; set; } = "";

    /// <summary>Fire when the per-second rate exceeds this value.</summary>
    [Required]
    [Range(1, 100_000_000)]
    [JsonPropertyName("above")]
    public long? Above { get; set; }

    /// <summary>How long the rate must stay above the value (Go duration, default 30s).</summary>
    [Duration]
    [JsonPropertyName("for")]
    public string? For { get; set; }
}
