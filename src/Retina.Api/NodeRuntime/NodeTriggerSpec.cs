using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.NodeRuntime;

/// <summary>
/// One threshold the node evaluates itself, from an armed CapturePolicy's threshold trigger that may target this node.
/// Written by the controllers; the runtime reports breaches in status.triggers.
/// </summary>
public sealed class NodeTriggerSpec
{
    /// <summary>The CapturePolicy, namespace/name.</summary>
    [Required]
    [MaxLength(317)]
    [JsonPropertyName("policy")]
    public string Policy { get; set; } = "";

    /// <summary>The trigger's name in the policy.</summary>
    [Required]
    [MaxLength(63)]
    [JsonPropertyName("trigger")]
    public string Trigger { get; set; } = "";

    /// <summary>dropRate, retransmitRate or dnsFailureRate.</summary>
    [Required]
    [AllowedValues("dropRate", "retransmitRate", "dnsFailureRate")]
    [JsonPropertyName("metric")]
    public string Metric { get; set; } = "";

    /// <summary>The per-second rate, averaged over the window, above which the trigger breaches.</summary>
    [Required]
    [Range(1, 100_000_000)]
    [JsonPropertyName("above")]
    public long Above { get; set; }

    /// <summary>The window in seconds (the policy's for, or its default).</summary>
    [Required]
    [Range(5, 600)]
    [JsonPropertyName("windowSeconds")]
    public int WindowSeconds { get; set; }

    /// <summary>dropRate: the one kernel drop reason counted (absent: all).</summary>
    [MaxLength(64)]
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    /// <summary>dnsFailureRate: the response codes counted.</summary>
    [MaxItems(8)]
    [JsonPropertyName("rcodes")]
    public List<string>? Rcodes { get; set; }

    /// <summary>policy/trigger, the key status.triggers reports under.</summary>
    [JsonIgnore]
    public string Key => Policy + "/" + Trigger;
}
