using Prometheus;

namespace Retina.NodeRuntime.Metrics;

/// <summary>
/// Every metric the node runtime exports, in one registry of its own (so no .NET runtime default
/// metrics leak in). Names and labels follow Retina's so its dashboards work unchanged.
/// </summary>
public sealed class NodeMetrics
{
    public const string NodePrefix = "networkobservability_";
    public const string HealthPrefix = "controlplane_networkobservability_";

    public NodeMetrics()
        : this(Prometheus.Metrics.NewCustomRegistry())
    {
    }

    /// <param name="registry">Registry to create the metrics in (one per runtime; never the default registry).</param>
    /// <param name="retinaLostEventsName">
    /// Name the lost-events counter exactly as Retina does (<c>lost_events_counter</c>). Off by
    /// default: promtool's lint rejects any name containing "_counter", so the default is the
    /// lint-clean <c>lost_events_total</c> with the same labels.
    /// </param>
    public NodeMetrics(CollectorRegistry registry, bool retinaLostEventsName = false)
    {
        Registry = registry;
        var f = Prometheus.Metrics.WithCustomRegistry(registry);

        ForwardCount = f.CreateCounter(NodePrefix + "forward_count", "Packets forwarded through the node's interfaces, by direction.", "direction");
        ForwardBytes = f.CreateCounter(NodePrefix + "forward_bytes", "Bytes forwarded through the node's interfaces, by direction.", "direction");
        TcpFlagCounters = f.CreateCounter(NodePrefix + "tcp_flag_counters", "TCP packets seen on the node's interfaces, by flag and direction.", "flag", "direction");
        DropCount = f.CreateCounter(NodePrefix + "drop_count", "Packets dropped by the kernel, by drop reason and direction.", "reason", "direction");
        DropBytes = f.CreateCounter(NodePrefix + "drop_bytes", "Bytes dropped by the kernel, by drop reason and direction.", "reason", "direction");
        DnsRequestCount = f.CreateCounter(NodePrefix + "dns_request_count", "DNS requests seen on the node's interfaces.", "query_type", "query");
        DnsResponseCount = f.CreateCounter(NodePrefix + "dns_response_count", "DNS responses seen on the node's interfaces.", "return_code", "query_type", "query", "response", "num_response");
        TcpRetransCount = f.CreateCounter(NodePrefix + "adv_tcpretrans_count", "TCP segments retransmitted, by local and remote address.", "ip", "remote_ip");

        TcpState = f.CreateGauge(NodePrefix + "tcp_state", "TCP sockets by state.", "state");
        TcpConnectionRemote = f.CreateGauge(NodePrefix + "tcp_connection_remote", "Established TCP sockets by remote address (top addresses only).", "address", "port");
        TcpConnectionStats = f.CreateGauge(NodePrefix + "tcp_connection_stats", "TCP statistics from /proc/net/snmp and /proc/net/netstat.", "statistic_name");
        IpConnectionStats = f.CreateGauge(NodePrefix + "ip_connection_stats", "IP statistics from /proc/net/snmp and /proc/net/netstat.", "statistic_name");
        UdpConnectionStats = f.CreateGauge(NodePrefix + "udp_connection_stats", "UDP statistics from /proc/net/snmp.", "statistic_name");
        InterfaceStats = f.CreateGauge(NodePrefix + "interface_stats", "Interface statistics from /proc/net/dev and the NIC drivers' err/drop counters (ethtool -S).", "interface_name", "statistic_name");
        ApiServerLatency = f.CreateHistogram(NodePrefix + "node_apiserver_latency", "Milliseconds from a probe's request to the API server's first response bytes.", new HistogramConfiguration { Buckets = ApiServerLatencyBucketsMs });
        ApiServerHandshakeLatency = f.CreateHistogram(NodePrefix + "node_apiserver_handshake_latency_ms", "Milliseconds of the TCP handshake between the node and the Kubernetes API server.", new HistogramConfiguration { Buckets = ApiServerLatencyBucketsMs });
        ApiServerNoResponse = f.CreateCounter(NodePrefix + "node_apiserver_no_response", "Probes to the API server whose connect or request got no answer within the timeout.");

        LostEvents = f.CreateCounter(HealthPrefix + (retinaLostEventsName ? "lost_events_counter" : "lost_events_total"), "Events lost between the kernel and the metrics, by event type and where they were lost.", "type", "reason");
        PluginFailures = f.CreateCounter(HealthPrefix + "plugin_reconcile_failures_total", "Plugins that failed to start or degraded, by plugin and reason.", "plugin", "reason");
        PluginUp = f.CreateGauge(HealthPrefix + "plugin_state", "1 for the state each plugin is in (Running, Degraded, Failed, Disabled).", "plugin", "state", "hook");
        ParsedPackets = f.CreateCounter(HealthPrefix + "parsed_packets_total", "Packets and events parsed in user space, by plugin.", "plugin");
        BuildInfo = f.CreateGauge(NodePrefix + "build_info", "Always 1: the node runtime's version and the node's kernel release.", "version", "kernel_version");
        BuildInfo.WithLabels(RuntimeBuild.Version, RuntimeBuild.KernelVersion).Set(1);
    }

    public CollectorRegistry Registry { get; }

    public Counter ForwardCount { get; }
    public Counter ForwardBytes { get; }
    public Counter TcpFlagCounters { get; }
    public Counter DropCount { get; }
    public Counter DropBytes { get; }
    public Counter DnsRequestCount { get; }
    public Counter DnsResponseCount { get; }
    public Counter TcpRetransCount { get; }
    public Gauge TcpState { get; }
    public Gauge TcpConnectionRemote { get; }
    public Gauge TcpConnectionStats { get; }
    public Gauge IpConnectionStats { get; }
    public Gauge UdpConnectionStats { get; }
    public Gauge InterfaceStats { get; }
    public Histogram ApiServerLatency { get; }
    public Histogram ApiServerHandshakeLatency { get; }
    public Counter ApiServerNoResponse { get; }

    /// <summary>
    /// Upper bounds (milliseconds) of both API-server histograms: Retina's own bounds (0 to 4.5 in steps of 0.5,
    /// so its dashboards' <c>le</c> values exist) and wider ones for the slow answers that matter in an incident.
    /// </summary>
    public static readonly double[] ApiServerLatencyBucketsMs = [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];
    public Counter LostEvents { get; }
    public Counter PluginFailures { get; }
    public Gauge PluginUp { get; }
    public Counter ParsedPackets { get; }
    public Gauge BuildInfo { get; }

    /// <summary>Counts events lost at one place (ring buffer full, channel full, malformed…).</summary>
    public void Lost(string type, string reason, double count = 1)
    {
        if (count > 0)
        {
            LostEvents.WithLabels(type, reason).Inc(count);
        }
    }

    /// <summary>The exposition text, as served on /metrics.</summary>
    public async Task<string> ScrapeAsync(CancellationToken ct = default)
    {
        using var ms = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(ms, ct);
        return PrometheusText.Normalise(System.Text.Encoding.UTF8.GetString(ms.ToArray()));
    }
}
