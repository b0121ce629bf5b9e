using System.Diagnostics;
using System.Globalization;
using Retina.Api.NodeRuntime;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Triggers;

namespace Retina.NodeRuntime.Bench;

/// <summary>
/// What node-local thresholds cost: one evaluation tick (read the counters, advance every window, judge) with N thresholds
/// over a busy node's series (drop reasons, 1000 DNS response series, 1000 retransmit pairs), against the same tick with
/// no thresholds and against one Prometheus scrape of the same registry. The tick runs once a second.
/// </summary>
internal static class ThresholdBench
{
    public static void Run(bool quick)
    {
        var ticks = quick ? 200 : 2000;
        var metrics = BusyNode();
        var scrape = Measure(ticks / 10, () => metrics.Registry.CollectAndExportAsTextAsync(Stream.Null).GetAwaiter().GetResult());
        Console.WriteLine($"Threshold evaluation tick ({ticks} ticks per row; counters: 42 drop series, 1000 DNS response series, 1000 retransmit pairs;");
        Console.WriteLine("  thresholds cycle dropRate, dnsFailureRate, retransmitRate; 600 s windows)");
        Console.WriteLine($"  {"thresholds",-28} {"per tick",12} {"CPU at 1 tick/s",16}   comparison: one /metrics scrape of the same registry {Format(scrape)}");
        foreach (var n in new[] { 0, 1, 3, 16, 64 })
        {
            var evaluator = new ThresholdEvaluator(metrics, TimeProvider.System);
            evaluator.Apply([.. Enumerable.Range(0, n).Select(Spec)]);
            evaluator.Evaluate();
            var perTick = Measure(ticks, () =>
            {
                metrics.DropCount.WithLabels("NETFILTER_DROP", "ingress").Inc();
                evaluator.Evaluate();
            });
            var label = n == 0 ? "none (comparison)" : $"{n} (metrics mixed)";
            Console.WriteLine($"  {label,-28} {Format(perTick),12} {perTick / 1e9 * 100,15:0.0000}%");
        }

        Console.WriteLine();
    }

    private static NodeTriggerSpec Spec(int i) => new()
    {
        Policy = "bench/p" + i, Trigger = "t", Above = 1_000_000, WindowSeconds = 600,
        Metric = (i % 3) switch { 0 => "dropRate", 1 => "dnsFailureRate", _ => "retransmitRate" },
        Reason = i % 3 == 0 && i % 2 == 0 ? "NETFILTER_DROP" : null,
        Rcodes = i % 3 == 1 ? ["NXDOMAIN", "SERVFAIL"] : null,
    };

    private static NodeMetrics BusyNode()
    {
        var m = new NodeMetrics();
        foreach (var reason in Enumerable.Range(0, 20).Select(r => "REASON_" + r).Append("NETFILTER_DROP"))
        {
            m.DropCount.WithLabels(reason, "ingress").Inc(5);
            m.DropCount.WithLabels(reason, "egress").Inc(5);
        }

        string[] rcodes = ["NoError", "NXDomain", "ServFail"];
        for (var i = 0; i < 1000; i++)
        {
            m.DnsResponseCount.WithLabels(rcodes[i % 3], "A", $"name{i}.example.", "10.0.0." + (i % 250), "1").Inc(3);
            m.TcpRetransCount.WithLabels("10.1." + (i / 250) + "." + (i % 250), "10.9.0.1").Inc(2);
        }

        return m;
    }

    /// <summary>Mean nanoseconds per call.</summary>
    private static double Measure(int count, Action action)
    {
        for (var i = 0; i < Math.Min(count, 200); i++)
        {
            action();
        }

        var sw = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            action();
        }

        return sw.Elapsed.TotalNanoseconds / count;
    }

    private static string Format(double ns) => ns >= 1e6 ? (ns / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " ms"
        : ns >= 1e3 ? (ns / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + " µs"
        : ns.ToString("0", CultureInfo.InvariantCulture) + " ns";
}
