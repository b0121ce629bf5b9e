using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.Capture;

/// <summary>The capture's targets, filters and options.</summary>
public sealed class CaptureConfiguration
{
    /// <summary>Which nodes or pods to capture on. Exactly one of nodeSelector, namespaceSelector+podSelector, podNames, workloadRef.</summary>
    [JsonPropertyName("captureTarget")]
    public CaptureTarget? CaptureTarget { get; set; }

    /// <summary>IP, IP:port and *:port filters, combined as (include1 or include2 …) and not (exclude1 or exclude2 …).</summary>
    [JsonPropertyName("filters")]
    public CaptureFilters? Filters { get; set; }

    /// <summary>Deprecated (kept for Retina compatibility): a raw filter expression. Use captureOption.pcapFilter.</summary>
    [MaxLength(CaptureOption.MaxFilterLength)]
    [RegularExpression(CaptureOption.FilterCharsPattern)]
    [ForbiddenPattern(CaptureOption.FlagPattern, CaptureOption.FlagMessage)]
    [JsonPropertyName("tcpdumpFilter")]
    public string? TcpdumpFilter { get; set; }

    /// <summary>Bundle the node's network metadata (addresses, routes, iptables rules, socket statistics, /proc/net and /proc/sys/net) with the pcap.</summary>
    [DefaultValue(true)]
    [JsonPropertyName("includeMetadata")]
    public bool? IncludeMetadata { get; set; }

    /// <summary>Limits and packet-level options of the capture.</summary>
    [JsonPropertyName("captureOption")]
    public CaptureOption? CaptureOption { get; set; }
}
