using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.CapturePolicy;

/// <summary>
/// A node-local rate that must stay above a value for a while. Each node the policy may target evaluates it itself, every
/// second, from the counters its plugins keep (dropreason, dns, tcpretrans): no Prometheus is involved. A breach fires
/// the policy on that node, with the node (and, for retransmitRate, the pod that contributed most) as the target.
/// </summary>
public sealed class ThresholdTrigger
{
    /// <summary>Shortest window a node can judge: it samples its counters once a second.</summary>
    public static readonly TimeSpan MinWindow = TimeSpan.FromSeconds(5);

    /// <summary>Longest window (the node keeps one sample per second of it).</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromMinutes(10);

    /// <summary>The window when for is not set.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(30);

    /// <summary>The DNS answers dnsFailureRate counts when rcodes is not set.</summary>
    public static readonly IReadOnlyList<string> DefaultRcodes = ["NXDOMAIN", "SERVFAIL"];

    /// <summary>The response codes rcodes may name (RFC 1035 and 2136 names; matched without regard to case).</summary>
    public static readonly IReadOnlyList<string> KnownRcodes =
        ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"];

    /// <summary>The window in force: for, or <see cref="DefaultWindow"/> when unset or unreadable (the validator refuses those).</summary>
    public TimeSpan Window() => For is { } f && Common.GoDuration.TryParse(f, out var w) ? w : DefaultWindow;

    /// <summary>dropRate (packets dropped per second, needs the dropreason plugin), retransmitRate (TCP retransmits per second, tcpretrans) or dnsFailureRate (failed DNS answers per second, dns).</summary>
    [Required]
    [AllowedValues("dropRate", "retransmitRate", "dnsFailureRate")]
    [JsonPropertyName("metric")]
    public string Metric { get; set; } = "";

    /// <summary>Fire when the per-second rate, averaged over the window, exceeds this value.</summary>
    [Required]
    [Range(1, 100_000_000)]
    [JsonPropertyName("above")]
    public long? Above { get; set; }

    /// <summary>The window the rate is averaged over and must stay above the value for (Go duration, 5s to 10m; default 30s).</summary>
    [Duration]
    [JsonPropertyName("for")]
    public string? For { get; set; }

    /// <summary>dropRate only: count drops of this kernel reason alone (e.g. NETFILTER_DROP, NO_SOCKET, as the drop_count metric's reason label names it); default every reason.</summary>
    [MaxLength(64)]
    [RegularExpression("^[A-Za-z0-9_]+$")]
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    /// <summary>dnsFailureRate only: the response codes that count as failures (default NXDOMAIN and SERVFAIL).</summary>
    [MaxItems(8)]
    [JsonPropertyName("rcodes")]
    public List<string>? Rcodes { get; set; }
}
