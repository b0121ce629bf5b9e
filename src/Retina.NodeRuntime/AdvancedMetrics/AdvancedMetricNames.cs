namespace Retina.NodeRuntime.AdvancedMetrics;

/// <summary>The pod-level metrics: Retina's name in MetricsConfiguration → the exported name.</summary>
public static class AdvancedMetricNames
{
    public const string ForwardCount = "forward_count";
    public const string ForwardBytes = "forward_bytes";
    public const string DropCount = "drop_count";
    public const string DropBytes = "drop_bytes";
    public const string TcpFlags = "tcp_flag_gauges";
    public const string TcpRetransmissions = "tcp_retransmission_count";
    public const string DnsRequests = "dns_request_count";
    public const string DnsResponses = "dns_response_count";

    /// <summary>Retina's metricName → exported name without the networkobservability_ prefix.</summary>
    public static IReadOnlyDictionary<string, string> Exported { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ForwardCount] = "adv_forward_count",
        [ForwardBytes] = "adv_forward_bytes",
        [DropCount] = "adv_drop_count",
        [DropBytes] = "adv_drop_bytes",
        [TcpFlags] = "adv_tcpflags_count",
        [TcpRetransmissions] = "adv_tcpretrans_count",
        [DnsRequests] = "adv_dns_request_count",
        [DnsResponses] = "adv_dns_response_count",
    };

    /// <summary>Labels each metric always has, before the context labels.</summary>
    internal static string[] OwnLabels(string metricName) => metricName switch
    {
        DropCount or DropBytes => ["reason"],
        TcpFlags => ["flag"],
        DnsRequests => ["query_type", "query"],
        DnsResponses => ["return_code", "query_type", "query", "response", "num_response"],
        _ => [],
    };

    internal static string Help(string metricName) => metricName switch
    {
        ForwardCount => "Packets forwarded, by pod context.",
        ForwardBytes => "Bytes forwarded, by pod context.",
        DropCount => "Packets dropped by the kernel, by drop reason and pod context.",
        DropBytes => "Bytes dropped by the kernel, by drop reason and pod context.",
        TcpFlags => "TCP packets by flag and pod context.",
        TcpRetransmissions => "TCP segments retransmitted, by pod context.",
        DnsRequests => "DNS requests, by query and pod context.",
        DnsResponses => "DNS responses, by return code, query and pod context.",
        _ => metricName,
    };
}
