using System.Diagnostics;
using System.Net;
using Retina.Api.MetricsConfiguration;
using Retina.Api.NodeRuntime;
using Retina.NodeRuntime.AdvancedMetrics;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Metrics;

namespace Retina.PodMetrics.Bench;

/// <summary>
/// Series after 10 000 short-lived pods with ttl on: a new pod every 50 ms (simulated time), each
/// living 5 s and talking to one server pod, with and without the pod deletions being observed.
/// </summary>
internal static class ChurnBench
{
    private sealed class ManualTime : TimeProvider
    {
        public long Ticks;

        public override long GetTimestamp() => Ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(Ticks);
    }

    public static void Run(int pods)
    {
        Console.WriteLine($"Series after {pods:N0} short-lived pods (one every 50 ms, each lives 5 s, 10 flows/s to one server pod), ttl 30s on every metric, cap 10 000");
        Console.WriteLine($"  {"deletions seen",-16} {"peak series",12} {"at end",8} {"end + ttl",10} {"pods in cache",14} {"wall ms",8}");
        foreach (var seeDeletes in new[] { true, false })
        {
            var time = new ManualTime();
            var metrics = new NodeMetrics();
            var cache = new EnrichmentCache("node1");
            using var pod = new PodLevelMetrics(metrics, cache, new AdvancedMetricsOptions { SweepInterval = TimeSpan.FromDays(1) }, time);
            pod.Apply(new NodeMetricsSpec
            {
                ContextOptions =
                [
                    new MetricsContextOptions { MetricName = "forward_count", SourceLabels = ["podname", "ip"], DestinationLabels = ["podname"], AdditionalLabels = ["direction"], Ttl = "30s" },
                    new MetricsContextOptions { MetricName = "forward_bytes", SourceLabels = ["podname"], DestinationLabels = ["podname"], Ttl = "30s" },
                ],
            });
            cache.UpsertPod(BenchNode.PodObject("svc", "api-0", "10.99.0.1", "node1", "api"));
            var server = IpKey.From(IPAddress.Parse("10.99.0.1"));
            var live = new Queue<(int Id, long Dies)>();
            var peak = 0;
            var sw = Stopwatch.StartNew();
            var step = TimeSpan.FromMilliseconds(50).Ticks;
            for (var i = 0; i < pods; i++)
            {
                time.Ticks += step;
                cache.UpsertPod(BenchNode.PodObject("jobs", $"job-{i}", Ip(i), "node1", "batch"));
                live.Enqueue((i, time.Ticks + TimeSpan.FromSeconds(5).Ticks));
                while (live.Count > 0 && live.Peek().Dies <= time.Ticks)
                {
                    var (id, _) = live.Dequeue();
                    if (seeDeletes)
                    {
                        cache.DeletePod("jobs", $"job-{id}");
                    }

                    // otherwise the pod only falls silent and lingers in the cache: ttl alone cleans its series
                }

                // every live pod sends one sample per 100 ms: half of the steps
                if (i % 2 == 0)
                {
                    foreach (var (id, _) in live)
                    {
                        var f = new FlowSample(IpKey.From(IPAddress.Parse(Ip(id))), server, 40000, 443, 6, TrafficDirection.Egress, false);
                        pod.RecordForward(f, 1, 100);
                    }
                }

                pod.Sweep();
                peak = Math.Max(peak, pod.SeriesCount("forward_count") + pod.SeriesCount("forward_bytes"));
            }

            var atEnd = pod.SeriesCount("forward_count") + pod.SeriesCount("forward_bytes");
            time.Ticks += TimeSpan.FromSeconds(31).Ticks;
            pod.Sweep();
            var afterTtl = pod.SeriesCount("forward_count") + pod.SeriesCount("forward_bytes");
            Console.WriteLine($"  {(seeDeletes ? "yes" : "no (ttl only)"),-16} {peak,12:N0} {atEnd,8:N0} {afterTtl,10:N0} {cache.PodCount,14:N0} {sw.ElapsedMilliseconds,8:N0}");
        }

        Console.WriteLine();
    }

    private static string Ip(int i) => $"10.{100 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}";
}
