namespace Retina.NodeRuntime.Tests.Dashboards;

/// <summary>
/// The queries Retina's published Grafana dashboards run, one entry per panel target, restated by us from the
/// dashboards' JSON (facts read with the search tool, never copied):
/// <list type="bullet">
/// <item>Clusters: microsoft/retina deploy/grafana-dashboards/clusters.json at 9c2b416b189ddc412050f1d8252c28401d932dbc
///   ("Kubernetes / Networking / Retina / Clusters").</item>
/// <item>Standard Pod Traffic: deploy/grafana-dashboards/standard-pod-level.json at 1b54b3716239eb8553134e1eaaa91c1edf6a1126
///   ("Kubernetes / Networking / Retina (Standard) / Pod Traffic").</item>
/// <item>DNS: deploy/standard/grafana/dashboards/dns.json at 0732e6a4caa72c6e426146631de1edb626bc7557
///   ("Kubernetes / Networking / DNS"); deploy/grafana-dashboards/ holds only the Hubble DNS dashboard (out of scope).
///   The copy in deploy/grafana/dashboards/dns.json (1859a456144f7c22fbef5287c5c67f16491a591f) differs only in
///   matching <c>instance=~"($Nodes):[0-9]+"</c>, which with "All" selects the same series.</item>
/// </list>
/// Metric names, label matchers, aggregations and thresholds (<c>&gt; 0</c>) are the dashboards' own, including their
/// oddities: "Dropped pps per Destination pod" queries adv_forward_count, two pod-level panels share the title
/// "All Outgoing pps per pod" (and two "All Incoming pps per pod"), the pod-level dashboard has no cluster or node filter
/// and its ranges are fixed ([1m], [5m]) rather than <c>$__rate_interval</c>. Untitled stat panels are named by their legend.
/// Substitutions: see <see cref="DashboardVariables"/>; <c>$datasource</c> only picks the Prometheus and does not appear
/// in any query.
/// </summary>
public static class RetinaDashboardQueries
{
    public const string Clusters = "Retina Clusters";
    public const string PodTraffic = "Retina Standard Pod Traffic";
    public const string Dns = "Retina DNS";

    /// <summary>Every panel of the three dashboards, with "All" for every variable.</summary>
    public static IReadOnlyList<DashboardQuery> All { get; } = For(DashboardVariables.Default);

    public static IReadOnlyList<DashboardQuery> For(DashboardVariables v) => [.. ClustersPanels(v), .. PodTrafficPanels(v.Pod), .. DnsPanels(v)];

    public static IEnumerable<DashboardQuery> ClustersPanels(DashboardVariables v)
    {
        var r = v.RateInterval;
        // the per-cluster rows all filter on one cluster and the selected nodes
        var on = $"cluster=\"{v.Cluster}\", instance=~\"{v.Nodes}\"";
        DashboardQuery Q(int id, string panel, string promql, PanelNeeds needs = PanelNeeds.LinuxNode) => new(Clusters, id, panel, promql, needs);

        // Fleet View: no cluster filter, grouped by cluster
        yield return Q(156, "Current Traffic by Cluster", $$"""sum by (cluster) (rate(networkobservability_forward_bytes{instance=~"{{v.Nodes}}"}[{{r}}]))""");
        yield return Q(123, "Bytes Forwarded by Cluster", $$"""sum by (cluster) (rate(networkobservability_forward_bytes{instance=~"{{v.Nodes}}"}[{{r}}]))""");
        yield return Q(158, "Current Dropped Traffic by Cluster", $$"""sum by (cluster) (rate(networkobservability_drop_bytes{instance=~"{{v.Nodes}}"}[{{r}}]))""");
        yield return Q(129, "Bytes Dropped by Cluster", $$"""sum by (cluster) (rate(networkobservability_drop_bytes{instance=~"{{v.Nodes}}"}[{{r}}]))""");
        yield return Q(130, "Packets Dropped By Cluster", $$"""sum by (cluster) (rate(networkobservability_drop_count[{{r}}]))""");

        // Traffic row: eight untitled stats (max and min of the same series), then four graphs
        foreach (var (id, legend, metric, direction) in new[]
                 {
                     (141, "Max Egress Bytes", "forward_bytes", "egress"), (145, "Min Egress Bytes", "forward_bytes", "egress"),
                     (120, "Max Egress Packets", "forward_count", "egress"), (146, "Min Egress Packets", "forward_count", "egress"),
                     (147, "Max Ingress Bytes", "forward_bytes", "ingress"), (148, "Min Ingress Bytes", "forward_bytes", "ingress"),
                     (149, "Max Ingress Packets", "forward_count", "ingress"), (150, "Min Ingress Packets", "forward_count", "ingress"),
                     (119, "Egress Bytes", "forward_bytes", "egress"), (143, "Egress Packets", "forward_count", "egress"),
                     (142, "Ingress Bytes", "forward_bytes", "ingress"), (144, "Ingress Packets", "forward_count", "ingress"),
                 })
        {
            yield return Q(id, legend, $$"""sum(rate(networkobservability_{{metric}}{direction="{{direction}}", {{on}}}[{{r}}]))""");
        }

        // Drops row
        yield return Q(124, "Packets Dropped - Egress", $$"""sum(rate(networkobservability_drop_count{direction="egress", {{on}}}[{{r}}]))""");
        yield return Q(125, "Packets Dropped - Ingress", $$"""sum(rate(networkobservability_drop_count{direction="ingress", {{on}}}[{{r}}]))""");
        yield return Q(114, "Packets Dropped - Unknown", $$"""sum(rate(networkobservability_drop_count{direction="unknown", {{on}}}[{{r}}]))""");
        yield return Q(86, "Bytes Dropped by Reason", $$"""sum by (reason) (rate(networkobservability_drop_bytes{{{on}}}[{{r}}])) > 0""");
        // drop reasons, plus the interfaces' rx_dropped/tx_dropped counters relabelled as reasons
        yield return Q(88, "Packets Dropped by Reason", $$"""
            sum by (reason) (rate(networkobservability_drop_count{{{on}}}[{{r}}])) > 0
            or
            sum by (reason) (label_replace(rate(networkobservability_interface_stats{statistic_name="rx_dropped", {{on}}}[{{r}}]), "reason", "$1", "statistic_name", "(.*)"))
            or
            sum by (reason) (label_replace(rate(networkobservability_interface_stats{statistic_name="tx_dropped", {{on}}}[{{r}}]), "reason", "$1", "statistic_name", "(.*)"))
            """);
        yield return Q(131, "Bytes Dropped by Node", $$"""sum by (instance) (rate(networkobservability_drop_bytes{{{on}}}[{{r}}])) > 0""");
        yield return Q(132, "Packets Dropped by Node", $$"""sum by (instance) (rate(networkobservability_drop_count{{{on}}}[{{r}}])) > 0""");

        // Connections row (collapsed in Grafana)
        yield return Q(64, "TCP Active Connections by State", $$"""sum by (state) (networkobservability_tcp_state{{{on}}})""");
        yield return Q(68, "TCP Active Connections by Remote Addr", $$"""sum by (address) (networkobservability_tcp_connection_remote{{{on}}, address!~"127.0.0.1|0.0.0.0"})""");
        yield return Q(65, "TCP Connection Timeouts", $$"""sum(rate(networkobservability_tcp_connection_stats{statistic_name="tcptimeouts", {{on}}}[{{r}}]))""");
        yield return Q(66, "TCP Connection Resets", $$"""sum(rate(networkobservability_tcp_connection_stats{statistic_name="resetcount", {{on}}}[{{r}}]))""");
        yield return Q(69, "TCP Connection Reorders", $$"""sum(rate(networkobservability_tcp_connection_stats{statistic_name="tcptsreorder", {{on}}}[{{r}}]))""");
        yield return Q(61, "Windows TCP Packets", $$"""sum(rate(networkobservability_tcp_flag_counters{{{on}}}[{{r}}]))""", PanelNeeds.WindowsNode);
        yield return Q(62, "Windows TCP RST Packets", $$"""sum(rate(networkobservability_tcp_flag_counters{flag="rst", {{on}}}[{{r}}]))""", PanelNeeds.WindowsNode);
        yield return Q(70, "Windows TCP SYN-ACK Packets", $$"""sum(rate(networkobservability_tcp_flag_counters{flag="synack", {{on}}}[{{r}}]))""", PanelNeeds.WindowsNode);
        yield return Q(72, "UDP Connections", $$"""sum(networkobservability_udp_connection_stats{statistic_name="active", {{on}}})""");

        // Interfaces/Nodes row (collapsed): /proc/net/dev counters any node has, then driver-specific ethtool counters
        yield return Q(76, "RX Packets by Interface", $$"""sum by (interface_name) (rate(networkobservability_interface_stats{statistic_name="rx_packets", {{on}}}[{{r}}]))""");
        yield return Q(77, "TX Packets by Interface", $$"""sum by (interface_name) (rate(networkobservability_interface_stats{statistic_name="tx_packets", {{on}}}[{{r}}]))""");
        yield return Q(94, "Rx Cache Full error", $$"""sum by (instance) (rate(networkobservability_interface_stats{statistic_name=~"rx[0-9]+_cache_full", {{on}}}[{{r}}])) > 0""", PanelNeeds.NicDriverCounters);
        yield return Q(93, "Tx No Op Errors", $$"""sum by (instance) (rate(networkobservability_interface_stats{statistic_name=~"tx[0-9]+_nop", {{on}}}[{{r}}])) > 0""", PanelNeeds.NicDriverCounters);
        yield return Q(161, "Dropped Rx Packets", $$"""sum by (instance) (rate(networkobservability_interface_stats{statistic_name="rx_dropped", {{on}}}[{{r}}])) > 0""");
        yield return Q(162, "Dropped Tx Packets", $$"""sum by (instance) (rate(networkobservability_interface_stats{statistic_name="tx_dropped", {{on}}}[{{r}}])) > 0""");
        yield return Q(160, "Rx Comp Full Errors", $$"""sum by (instance) (rate(networkobservability_interface_stats{statistic_name="rx_comp_full", {{on}}}[{{r}}])) > 0""", PanelNeeds.NicDriverCounters);
        yield return Q(159, "Tx Send Full Errors", $$"""sum by (instance) (rate(networkobservability_interface_stats{statistic_name="tx_send_full", {{on}}}[{{r}}])) > 0""", PanelNeeds.NicDriverCounters);
    }

    /// <summary>The pod-level dashboard has only <c>$pod</c>, and uses it in two panels; "All" is the default there.</summary>
    public static IEnumerable<DashboardQuery> PodTrafficPanels(string pod = ".*")
    {
        DashboardQuery Q(int id, string panel, string promql) => new(PodTraffic, id, panel, promql);
        const string known = "destination_podname!=\"unknown\", source_podname!=\"unknown\"";

        yield return Q(6, "Outgoing Traffic", $$"""sum(irate(networkobservability_adv_forward_count{source_podname=~"{{pod}}"}[1m]))""");
        yield return Q(10, "Incoming Traffic", $$"""sum(irate(networkobservability_adv_forward_count{destination_podname=~"{{pod}}"}[1m]))""");
        yield return Q(4, "All Outgoing pps per pod", $$"""sum by (source_podname) (irate(networkobservability_adv_forward_count{{{known}}}[1m]))""");
        yield return Q(11, "All Incoming pps per pod", $$"""sum by (destination_podname) (irate(networkobservability_adv_forward_count{{{known}}}[1m]))""");
        yield return Q(18, "Dropped pps per source pod", $$"""sum by (source_podname) (irate(networkobservability_adv_drop_count{{{known}}}[1m]))""");
        yield return Q(19, "Dropped pps per Destination pod", $$"""sum by (destination_podname) (irate(networkobservability_adv_forward_count{{{known}}}[1m]))""");
        // traffic whose pod could not be resolved, by IP
        yield return Q(13, "All Outgoing pps per pod", """sum by (source_ip) (irate(networkobservability_adv_forward_count{source_podname="unknown"}[1m]))""");
        yield return Q(14, "All Incoming pps per pod", """sum by (destination_ip) (irate(networkobservability_adv_forward_count{destination_podname="unknown"}[1m]))""");
        yield return Q(12, "Top 10 Pods Outgoing traffic", """topk(10, sum by (source_podname) (irate(networkobservability_adv_forward_count{source_podname!="unknown"}[5m])))""");
        yield return Q(15, "Top 10 Pods Incoming traffic", """topk(10, sum by (destination_podname) (irate(networkobservability_adv_forward_count{destination_podname!="unknown"}[5m])))""");
        yield return Q(17, "API server latency", """avg by (instance) (sum by (le, instance) (rate(networkobservability_node_apiserver_handshake_latency_ms_bucket[1m])))""");
    }

    public static IEnumerable<DashboardQuery> DnsPanels(DashboardVariables v)
    {
        var r = v.RateInterval;
        var on = $"cluster=\"{v.Cluster}\", instance=~\"{v.Nodes}\"";
        DashboardQuery Q(int id, string panel, string promql) => new(Dns, id, panel, promql);

        yield return Q(135, "DNS Requests", $$"""sum by (query_type) (rate(networkobservability_dns_request_count{{{on}}}[{{r}}])) > 0""");
        yield return Q(136, "DNS Responses", $$"""sum by (query_type) (rate(networkobservability_dns_response_count{{{on}}}[{{r}}])) > 0""");
        // percentage of requests without a response, shown only while responses are arriving
        yield return Q(137, "DNS Missing Response", $$"""
            (1 - (sum by (query_type) (networkobservability_dns_response_count{{{on}}}) / sum by (query_type) (networkobservability_dns_request_count{{{on}}})))
            * 100
            * ((sum by (query_type) (rate(networkobservability_dns_response_count{{{on}}}[{{r}}]))) > bool 0)
            > 0
            """);
        yield return Q(139, "DNS Response IPs Returned", $$"""sum by (num_response) (rate(networkobservability_dns_response_count{{{on}}, return_code="NoError"}[{{r}}])) > 0""");
        yield return Q(138, "DNS Errors", $$"""
            label_replace(
              label_replace(
                sum by (return_code, query_type) (rate(networkobservability_dns_response_count{{{on}}, return_code!="NoError"}[{{r}}])) > 0,
                "return_code", "non-existent domain", "return_code", "nxdomain"),
              "return_code", "server failure", "return_code", "servfail")
            """);
        yield return Q(140, "Top DNS Queries (Requests)", $$"""round(topk(10, sum by (query, query_type) (60 * rate(networkobservability_dns_request_count{{{on}}}[{{r}}]))), 1)""");
        yield return Q(144, "Top DNS Queries (Responses)", $$"""round(topk(10, sum by (query, query_type) (60 * rate(networkobservability_dns_response_count{{{on}}}[{{r}}]))), 1)""");
        // a table of answers per minute; the relabelling only prettifies lower-case return codes
        yield return Q(143, "DNS Response Table", $$"""
            label_replace(
              label_replace(
                sum by (query, query_type, response, return_code) (60 * rate(networkobservability_dns_response_count{{{on}}, num_response!="0", response!=""}[{{r}}])),
                "return_code", "non-existent domain", "return_code", "nxdomain"),
              "return_code", "success", "return_code", "noerror")
            """);
    }
}
