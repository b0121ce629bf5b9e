using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Prometheus;
using Retina.Controllers.Hosting;
using Retina.Kube.Controllers;
using Retina.NodeRuntime.AdvancedMetrics;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Tests.Enrichment;
using static Retina.NodeRuntime.Tests.AdvancedMetrics.AdvancedMetricsSpecs;

namespace Retina.NodeRuntime.Tests.Dashboards;

/// <summary>
/// The sample names our binaries really export, read from the exporters themselves: every collector of
/// <see cref="NodeMetrics"/>, <see cref="ControllerMetrics"/> and <see cref="ControllerStateMetrics"/> (named by the code that creates them), and the pod-level
/// series and their health counters from a <see cref="PodLevelMetrics"/> driven until each kind of series exists
/// (a sample, a capped metric, an expired series) and then scraped. A histogram exports its _bucket, _sum and _count.
/// </summary>
public static partial class ExportedMetricNames
{
    public static async Task<IReadOnlySet<string>> ReadAsync()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        AddCollectors(names, new NodeMetrics());
        AddCollectors(names, new ControllerMetrics(Prometheus.Metrics.NewCustomRegistry()));
        AddCollectors(names, new ControllerStateMetrics(Prometheus.Metrics.NewCustomRegistry()));
        foreach (var family in TypeLine().Matches(await ScrapePodLevelAsync()).Cast<Match>())
        {
            Add(names, family.Groups["name"].Value, family.Groups["type"].Value == "histogram");
        }

        return names;
    }

    private static void AddCollectors(SortedSet<string> names, object metrics)
    {
        foreach (var property in metrics.GetType().GetProperties().Where(p => typeof(Collector).IsAssignableFrom(p.PropertyType)))
        {
            var collector = (Collector)property.GetValue(metrics)!;
            Add(names, collector.Name, collector is Histogram);
        }
    }

    private static void Add(SortedSet<string> names, string family, bool histogram)
    {
        names.Add(family);
        if (histogram)
        {
            names.UnionWith([family + "_bucket", family + "_sum", family + "_count"]);
        }
    }

    /// <summary>Every pod-level metric with a sample, one over its series cap, one expired by its ttl.</summary>
    private static async Task<string> ScrapePodLevelAsync()
    {
        var metrics = new NodeMetrics();
        var cache = new EnrichmentCache("node1");
        cache.UpsertPod(TestPods.Pod("shop", "web-1", "10.1.0.1"));
        cache.UpsertPod(TestPods.Pod("shop", "db-0", "10.1.0.2"));
        var time = new FakeTimeProvider();
        using var pod = new PodLevelMetrics(metrics, cache, new AdvancedMetricsOptions { MaxSeriesPerMetric = 1, SweepInterval = TimeSpan.FromHours(1) }, time);
        pod.Apply(Spec([.. AdvancedMetricNames.Exported.Keys.Select(m => Option(m, ["podname"], ["podname"], ttl: m == AdvancedMetricNames.ForwardBytes ? "30s" : null))]));

        var a = Flow("10.1.0.1", "10.1.0.2");
        var b = Flow("10.1.0.2", "10.1.0.1");
        pod.RecordForward(a, 1, 100);
        pod.RecordForward(b, 1, 100);
        pod.RecordDrop(a, "NO_SOCKET", 1, 100);
        pod.RecordTcpFlag(a, "ACK", 1);
        pod.RecordRetransmit(a);
        pod.RecordDns(a, new Retina.NodeRuntime.Plugins.Dns.DnsMessage(1, false, 0, "a.test.", 1, 0, []));
        pod.RecordDns(b, new Retina.NodeRuntime.Plugins.Dns.DnsMessage(1, true, 0, "a.test.", 1, 1, ["10.2.2.2"]));
        time.Advance(TimeSpan.FromMinutes(1));
        pod.Sweep();
        return await metrics.ScrapeAsync();
    }

    private static FlowSample Flow(string src, string dst) =>
        new(IpKey.From(System.Net.IPAddress.Parse(src)), IpKey.From(System.Net.IPAddress.Parse(dst)), 40000, 80, 6, TrafficDirection.Egress, false);

    [GeneratedRegex(@"^# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<type>\w+)$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();
}
