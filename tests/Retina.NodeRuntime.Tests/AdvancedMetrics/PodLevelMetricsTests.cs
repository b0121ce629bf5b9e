using Microsoft.Extensions.Time.Testing;
using Retina.NodeRuntime.AdvancedMetrics;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins.Dns;
using Retina.NodeRuntime.Tests.Enrichment;
using static Retina.NodeRuntime.Tests.AdvancedMetrics.AdvancedMetricsSpecs;

namespace Retina.NodeRuntime.Tests.AdvancedMetrics;

public sealed class PodLevelMetricsTests : IDisposable
{
    private const string Forward = "networkobservability_adv_forward_count";
    private readonly NodeMetrics metrics = new();
    private readonly EnrichmentCache cache = new("node1");
    private readonly FakeTimeProvider time = new();
    private readonly PodLevelMetrics pod;

    public PodLevelMetricsTests()
    {
        cache.UpsertPod(TestPods.Pod("shop", "web-1", "10.1.0.1", deployment: "web"));
        cache.UpsertPod(TestPods.Pod("shop", "db-0", "10.1.0.2"));
        cache.UpsertPod(TestPods.Pod("other", "x", "10.1.0.3", node: "node2"));
        cache.SetNodeZone("node1", "zone-a");
        pod = new PodLevelMetrics(metrics, cache, new AdvancedMetricsOptions { MaxSeriesPerMetric = 100, SweepInterval = TimeSpan.FromHours(1) }, time);
    }

    public void Dispose() => pod.Dispose();

    private static readonly string[] AllTokens = ["ip", "namespace", "podname", "workload", "service", "port", "zone"];

    private static FlowSample Flow(string src, string dst, TrafficDirection dir = TrafficDirection.Egress, ushort sport = 40000, ushort dport = 80, bool reply = false, byte protocol = 6) =>
        new(IpKey.From(System.Net.IPAddress.Parse(src)), IpKey.From(System.Net.IPAddress.Parse(dst)), sport, dport, protocol, dir, reply);

    [Fact]
    public async Task An_address_outside_the_cluster_is_unknown_in_every_context_label_but_its_ip_and_port()
    {
        pod.Apply(Spec(Option("forward_count", AllTokens, AllTokens)));
        pod.RecordForward(Flow("10.1.0.1", "192.0.2.9", dport: 443), 2, 200);

        var series = SeriesLines.Of(await metrics.ScrapeAsync(), Forward).ShouldHaveSingleItem();
        series.Labels.ShouldBe(new Dictionary<string, string>
        {
            ["source_ip"] = "10.1.0.1",
            ["source_namespace"] = "shop",
            ["source_podname"] = "web-1",
            ["source_workload_kind"] = "Deployment",
            ["source_workload_name"] = "web",
            ["source_service"] = "unknown",
            ["source_port"] = "40000",
            ["source_zone"] = "zone-a",
            ["destination_ip"] = "192.0.2.9",
            ["destination_namespace"] = "unknown",
            ["destination_podname"] = "unknown",
            ["destination_workload_kind"] = "unknown",
            ["destination_workload_name"] = "unknown",
            ["destination_service"] = "unknown",
            ["destination_port"] = "443",
            ["destination_zone"] = "unknown",
        }, ignoreOrder: true);
    }

    [Fact]
    public async Task A_bare_pod_on_a_node_without_zone_is_unknown_in_workload_service_and_zone()
    {
        cache.UpsertPod(TestPods.Pod("other", "bare", "10.1.0.4", node: "node3"));
        pod.Apply(Spec(Option("forward_count", ["podname", "workload", "service", "zone"], ["podname", "workload", "service", "zone"])));
        pod.RecordForward(Flow("10.1.0.2", "10.1.0.4"), 1, 60);

        var labels = SeriesLines.Of(await metrics.ScrapeAsync(), Forward).ShouldHaveSingleItem().Labels;
        labels["source_podname"].ShouldBe("db-0");
        labels["source_zone"].ShouldBe("zone-a");
        labels["destination_podname"].ShouldBe("bare");
        labels.Where(l => l.Key != "source_podname" && l.Key != "source_zone" && l.Key != "destination_podname")
            .ShouldAllBe(l => l.Value == "unknown");
    }

    [Fact]
    public async Task The_port_of_a_protocol_without_ports_is_unknown_in_both_contexts()
    {
        var localMetrics = new NodeMetrics();
        using var local = new PodLevelMetrics(localMetrics, cache, new AdvancedMetricsOptions { RemoteContext = false }, time);
        pod.Apply(Spec(Option("drop_count", ["podname", "port"], ["ip", "port"])));
        local.Apply(Spec(Option("drop_count", ["podname", "port"], [])));
        var icmp = Flow("10.1.0.1", "192.0.2.9", sport: 0, dport: 0, protocol: 1);
        pod.RecordDrop(icmp, "NETFILTER_DROP", 1, 98);
        local.RecordDrop(icmp, "NETFILTER_DROP", 1, 98);

        var remote = SeriesLines.Of(await metrics.ScrapeAsync(), "networkobservability_adv_drop_count").ShouldHaveSingleItem().Labels;
        remote["source_port"].ShouldBe("unknown");
        remote["destination_port"].ShouldBe("unknown");
        SeriesLines.Of(await localMetrics.ScrapeAsync(), "networkobservability_adv_drop_count").ShouldHaveSingleItem().Labels["port"].ShouldBe("unknown");
    }

    [Fact]
    public async Task No_context_label_of_any_metric_is_ever_empty()
    {
        pod.Apply(Spec(
            Option("forward_count", AllTokens, AllTokens, ["direction", "is_reply"]),
            Option("drop_count", AllTokens, AllTokens),
            Option("tcp_flag_gauges", AllTokens, AllTokens),
            Option("tcp_retransmission_count", AllTokens, AllTokens),
            Option("dns_request_count", AllTokens, AllTokens),
            Option("dns_response_count", AllTokens, AllTokens)));
        foreach (var f in new[] { Flow("10.1.0.1", "192.0.2.9"), Flow("192.0.2.9", "10.1.0.2", TrafficDirection.Ingress, protocol: 17), Flow("10.1.0.2", "10.1.0.3", protocol: 1) })
        {
            pod.RecordForward(f, 1, 10);
            pod.RecordDrop(f, "NO_SOCKET", 1, 10);
            pod.RecordTcpFlag(f, "SYN", 1);
            pod.RecordRetransmit(f);
            pod.RecordDns(f, new DnsMessage(1, false, 0, "a.test.", 1, 0, []));
            pod.RecordDns(f, new DnsMessage(1, true, 0, "a.test.", 1, 1, ["10.2.2.2"]));
        }

        var text = await metrics.ScrapeAsync();
        foreach (var name in new[] { "forward_count", "drop_count", "tcpflags_count", "tcpretrans_count", "dns_request_count", "dns_response_count" })
        {
            var series = SeriesLines.Of(text, "networkobservability_adv_" + name);
            series.Count.ShouldBe(3, name);
            series.SelectMany(s => s.Labels).Where(l => l.Key.StartsWith("source_", StringComparison.Ordinal) || l.Key.StartsWith("destination_", StringComparison.Ordinal))
                .ShouldAllBe(l => l.Value.Length > 0);
        }
    }

    [Fact]
    public async Task Remote_context_labels_are_exactly_the_configured_tokens_with_prefixes()
    {
        pod.Apply(Spec(Option("forward_count", ["podname", "workload", "zone"], ["namespace", "podname", "port"], ["direction", "is_reply"])));
        pod.RecordForward(Flow("10.1.0.1", "10.1.0.2"), 3, 300);

        var series = SeriesLines.Of(await metrics.ScrapeAsync(), Forward).ShouldHaveSingleItem();
        series.Labels.ShouldBe(new Dictionary<string, string>
        {
            ["source_podname"] = "web-1",
            ["source_workload_kind"] = "Deployment",
            ["source_workload_name"] = "web",
            ["source_zone"] = "zone-a",
            ["destination_namespace"] = "shop",
            ["destination_podname"] = "db-0",
            ["destination_port"] = "80",
            ["direction"] = "egress",
            ["is_reply"] = "false",
        }, ignoreOrder: true);
        series.Value.ShouldBe(3);
        SeriesLines.Of(await metrics.ScrapeAsync(), "networkobservability_adv_forward_bytes").ShouldBeEmpty();
    }

    [Fact]
    public async Task Local_context_names_only_the_local_pod_without_prefixes()
    {
        var localMetrics = new NodeMetrics();
        using var local = new PodLevelMetrics(localMetrics, cache, new AdvancedMetricsOptions { RemoteContext = false }, time);
        local.Apply(Spec(Option("forward_bytes", ["podname"], ["namespace"], ["direction"])));
        local.RecordForward(Flow("10.1.0.1", "10.1.0.2", TrafficDirection.Egress), 1, 100);
        local.RecordForward(Flow("10.1.0.1", "10.1.0.2", TrafficDirection.Ingress), 1, 100);

        var lines = SeriesLines.Of(await localMetrics.ScrapeAsync(), "networkobservability_adv_forward_bytes");
        lines.Count.ShouldBe(2);
        lines.ShouldContain(s => s.Labels["podname"] == "web-1" && s.Labels["namespace"] == "shop" && s.Labels["direction"] == "egress" && s.Value == 100);
        lines.ShouldContain(s => s.Labels["podname"] == "db-0" && s.Labels["direction"] == "ingress" && s.Value == 100);
        lines.ShouldAllBe(s => s.Labels.Count == 3);
    }

    [Fact]
    public async Task Drops_tcp_flags_retransmits_and_dns_carry_their_own_labels()
    {
        pod.Apply(Spec(
            Option("drop_count", ["podname"], ["podname"]),
            Option("tcp_flag_gauges", ["podname"], []),
            Option("tcp_retransmission_count", ["podname"], ["ip"]),
            Option("dns_request_count", ["podname"], []),
            Option("dns_response_count", [], ["podname"])));
        pod.RecordDrop(Flow("10.1.0.1", "10.1.0.2", TrafficDirection.Ingress), "NETFILTER_DROP", 4, 400);
        pod.RecordTcpFlag(Flow("10.1.0.1", "10.1.0.2"), "SYN", 2);
        pod.RecordRetransmit(Flow("10.1.0.1", "10.9.9.9"));
        pod.RecordDns(Flow("10.1.0.1", "10.9.9.9"), new DnsMessage(1, false, 0, "a.test.", 1, 0, []));
        pod.RecordDns(Flow("10.9.9.9", "10.1.0.1"), new DnsMessage(1, true, 0, "a.test.", 1, 1, ["10.2.2.2"]));

        var text = await metrics.ScrapeAsync();
        SeriesLines.Sum(text, "networkobservability_adv_drop_count", ("reason", "NETFILTER_DROP"), ("source_podname", "web-1"), ("destination_podname", "db-0")).ShouldBe(4);
        SeriesLines.Sum(text, "networkobservability_adv_tcpflags_count", ("flag", "SYN"), ("source_podname", "web-1")).ShouldBe(2);
        SeriesLines.Sum(text, "networkobservability_adv_tcpretrans_count", ("source_podname", "web-1"), ("destination_ip", "10.9.9.9")).ShouldBe(1);
        SeriesLines.Sum(text, "networkobservability_adv_dns_request_count", ("source_podname", "web-1"), ("query", "a.test."), ("query_type", "A")).ShouldBe(1);
        SeriesLines.Sum(text, "networkobservability_adv_dns_response_count", ("destination_podname", "web-1"), ("return_code", "NoError"), ("response", "10.2.2.2"), ("num_response", "1")).ShouldBe(1);
    }

    [Fact]
    public async Task Every_pod_level_metric_passes_promtool_check_metrics()
    {
        pod.Apply(Spec(
            Option("forward_count", ["ip", "namespace", "podname", "workload", "service", "port", "zone"], ["ip", "namespace", "podname", "workload", "service", "port", "zone"], ["direction", "is_reply"]),
            Option("forward_bytes", ["podname"], ["podname"]),
            Option("drop_count", ["podname"], ["podname"]),
            Option("drop_bytes", ["podname"], ["podname"]),
            Option("tcp_flag_gauges", ["podname"], []),
            Option("tcp_retransmission_count", ["podname"], ["ip"]),
            Option("dns_request_count", ["podname"], []),
            Option("dns_response_count", [], ["podname"])));
        var f = Flow("10.1.0.1", "10.1.0.2");
        pod.RecordForward(f, 1, 100);
        pod.RecordDrop(f, "NO_SOCKET", 1, 100);
        pod.RecordTcpFlag(f, "ACK", 1);
        pod.RecordRetransmit(f);
        pod.RecordDns(f, new DnsMessage(1, false, 0, "a.test.", 1, 0, []));
        pod.RecordDns(Flow("10.9.9.9", "10.1.0.1"), new DnsMessage(1, true, 0, "a.test.", 1, 1, ["10.2.2.2"]));
        pod.RecordForward(Flow("10.200.0.1", "10.1.0.2"), 1, 1);

        var text = await metrics.ScrapeAsync();
        foreach (var name in AdvancedMetricNames.Exported.Values)
        {
            text.ShouldContain("networkobservability_" + name + "{");
        }

        if (File.Exists("/usr/bin/promtool"))
        {
            var (code, output) = await Retina.NodeRuntime.Tests.Metrics.MetricsExporterTests.PromtoolAsync(text);
            code.ShouldBe(0, output);
        }
    }

    [Fact]
    public async Task Series_disappear_after_their_ttl_and_others_stay()
    {
        pod.Apply(Spec(Option("forward_count", ["podname"], ["podname"], ttl: "30s"), Option("forward_bytes", ["podname"], ["podname"])));
        pod.RecordForward(Flow("10.1.0.1", "10.1.0.2"), 1, 10);
        time.Advance(TimeSpan.FromSeconds(20));
        pod.RecordForward(Flow("10.1.0.2", "10.1.0.1"), 1, 10);
        time.Advance(TimeSpan.FromSeconds(15));

        var text = await metrics.ScrapeAsync();
        SeriesLines.Of(text, Forward).ShouldHaveSingleItem().Labels["source_podname"].ShouldBe("db-0");
        SeriesLines.Of(text, "networkobservability_adv_forward_bytes").Count.ShouldBe(2);
        SeriesLines.Sum(text, "controlplane_networkobservability_expired_series_total", ("metric", "forward_count"), ("cause", "ttl")).ShouldBe(1);
    }

    [Fact]
    public async Task Deleting_a_pod_removes_the_series_that_name_it()
    {
        pod.Apply(Spec(Option("forward_count", ["podname"], ["podname"]), Option("forward_bytes", ["namespace"], ["namespace"])));
        pod.RecordForward(Flow("10.1.0.1", "10.1.0.2"), 1, 10);
        pod.RecordForward(Flow("10.1.0.2", "10.1.0.3"), 1, 10);

        cache.DeletePod("shop", "web-1");

        var text = await metrics.ScrapeAsync();
        SeriesLines.Of(text, Forward).ShouldHaveSingleItem().Labels["source_podname"].ShouldBe("db-0");
        SeriesLines.Of(text, "networkobservability_adv_forward_bytes").Count.ShouldBe(2); // namespace-level series name no pod
        cache.Lookup(System.Net.IPAddress.Parse("10.1.0.1")).ShouldBeNull();
    }

    [Fact]
    public async Task The_series_cap_holds_under_ten_thousand_synthetic_addresses()
    {
        pod.Apply(Spec(Option("forward_count", ["ip"], ["podname"])));
        for (var i = 0; i < 10_000; i++)
        {
            var src = $"10.{100 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}";
            pod.RecordForward(Flow(src, "10.1.0.2", TrafficDirection.Ingress), 1, 10);
        }

        pod.SeriesCount("forward_count").ShouldBe(100);
        pod.CappedMetrics.ShouldBe(["forward_count=100"]);
        var text = await metrics.ScrapeAsync();
        SeriesLines.Of(text, Forward).Count.ShouldBe(100);
        SeriesLines.Sum(text, "controlplane_networkobservability_adv_series_overflow_total", ("metric", "forward_count")).ShouldBe(9_900);

        // Deleting the pod every series names frees the table, and the warning clears.
        cache.DeletePod("shop", "db-0");
        pod.SeriesCount("forward_count").ShouldBe(0);
        pod.CappedMetrics.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_new_spec_reshapes_the_metrics_without_touching_node_level_metrics()
    {
        metrics.ForwardCount.WithLabels("egress").Inc(42);
        pod.Apply(Spec(Option("forward_count", ["podname"], ["podname"]), Option("drop_count", ["podname"], [])));
        pod.RecordForward(Flow("10.1.0.1", "10.1.0.2"), 5, 50);

        pod.Apply(Spec(Option("forward_count", ["namespace"], [], ["direction"])));
        pod.RecordForward(Flow("10.1.0.1", "10.1.0.2"), 2, 20);

        var text = await metrics.ScrapeAsync();
        var series = SeriesLines.Of(text, Forward).ShouldHaveSingleItem();
        series.Labels.ShouldBe(new Dictionary<string, string> { ["source_namespace"] = "shop", ["direction"] = "egress" }, ignoreOrder: true);
        series.Value.ShouldBe(2);
        pod.IsEnabled("drop_count").ShouldBeFalse();
        SeriesLines.Sum(text, "networkobservability_forward_count", ("direction", "egress")).ShouldBe(42);

        pod.Apply(null);
        SeriesLines.Of(await metrics.ScrapeAsync(), Forward).ShouldBeEmpty();
        pod.Enabled.ShouldBeFalse();
    }

    [Fact]
    public async Task The_namespace_filter_limits_reporting_and_the_addresses_of_interest()
    {
        pod.Apply(Spec(["other"], Option("forward_count", ["podname"], ["podname"])));
        pod.RecordForward(Flow("10.1.0.1", "10.1.0.2"), 1, 10);
        pod.RecordForward(Flow("10.1.0.1", "10.1.0.3"), 1, 10);

        SeriesLines.Of(await metrics.ScrapeAsync(), Forward).ShouldHaveSingleItem().Labels["destination_podname"].ShouldBe("x");
        pod.AddressesOfInterest().ShouldBeEmpty(); // pod x runs on another node

        pod.Apply(Spec(["shop"], Option("forward_count", ["podname"], ["podname"])));
        pod.AddressesOfInterest().Select(a => a.ToString()).Order().ShouldBe(["10.1.0.1", "10.1.0.2"]);
    }
}
