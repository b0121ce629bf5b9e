using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.MetricsConfiguration;

/// <summary>One advanced metric and the labels that describe each side of the traffic.</summary>
public sealed class MetricsContextOptions
{
    /// <summary>Schema cap on each label list: room for every token in several spellings, bounded for the API server.</summary>
    public const int MaxLabels = 32;

    /// <summary>The metric, by Retina's name (e.g. forward_count, drop_count, dns_request_count, tcp_retransmission_count).</summary>
    [Required]
    [AllowedValues(
        "drop_count", "drop_bytes", "forward_count", "forward_bytes", "tcp_flag_gauges", "tcp_retransmission_count",
        "dns_request_count", "dns_response_count", "tcp_state", "tcp_connection_remote", "tcp_connection_stats",
        "ip_connection_stats", "udp_connection_stats", "node_connectivity_status", "node_connectivity_latency_seconds",
        "node_apiserver_latency", "node_apiserver_handshake_latency", "node_apiserver_no_response",
        "packets_count_per_connection", "bytes_count_per_connection", "connections_count")]
    [JsonPropertyName("metricName")]
    public string MetricName { get; set; } = "";

    /// <summary>
    /// Labels describing the source: ip, namespace, podname, workload, service, port, zone. Matched in any case
    /// (podName means podname); a token outside this list adds no label and is named in status (state Warning),
    /// as Retina ignores it.
    /// </summary>
    [MaxItems(MaxLabels)]
    [JsonPropertyName("sourceLabels")]
    public List<string>? SourceLabels { get; set; }

    /// <summary>
    /// Labels describing the destination: ip, namespace, podname, workload, service, port, zone. Matched in any
    /// case; a token outside this list adds no label and is named in status (state Warning), as Retina ignores it.
    /// </summary>
    [MaxItems(MaxLabels)]
    [JsonPropertyName("destinationLabels")]
    public List<string>? DestinationLabels { get; set; }

    /// <summary>
    /// Extra labels: direction (ingress/egress) and is_reply. Matched in any case; any other token adds no label and
    /// is named in status (state Warning).
    /// </summary>
    [MaxItems(MaxLabels)]
    [JsonPropertyName("additionalLabels")]
    public List<string>? AdditionalLabels { get; set; }

    /// <summary>Series not updated within this time are removed (Go duration, e.g. 5m). Unset keeps them.</summary>
    [Duration]
    [JsonPropertyName("ttl")]
    public string? Ttl { get; set; }
}
