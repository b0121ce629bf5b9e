using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Api.NodeRuntime;
using Retina.Api.TraceSession;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Trace;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Bench;

/// <summary>
/// What a TraceSession costs: packets/s of untraced 64-byte UDP with no trace vs a trace armed for another pod
/// (side by side, alternating slices); events/s written per core (the runtime's CPU time) with the losses; bytes per
/// event on disk (gzip JSON lines); the highest paced event rate written with zero loss.
/// </summary>
internal static class TraceBench
{
    public static async Task RunAsync(bool quick)
    {
        await using var pair = await NetnsPair.CreateAsync("bt");
        var state = Directory.CreateTempSubdirectory("retina-bench-trace-").FullName;
        var baseDir = Directory.CreateTempSubdirectory("retina-bench-trace-out-").FullName;
        var cache = new EnrichmentCache("bench");
        var kernel = new TraceKernel(new PluginHostOptions { NetworkNamespace = pair.NamespaceA, StateDirectory = state, DefaultInterfaces = [pair.VethA] }, new NodeMetrics(), NullLoggerFactory.Instance);
        await using var runner = new TraceRunner(kernel, cache, new TraceRunnerOptions { NodeName = "bench", CaptureBaseDirectory = baseDir }, NullLogger.Instance);
        var other = new NodeTraceAssignment { Key = "b/other/1", Namespace = "b", Name = "other", PodIps = ["10.200.255.254"], Events = [.. TraceEventKinds.All], HostPath = "other" };

        var pairs = quick ? 3 : 11;
        var ratios = new List<double>();
        var idle = new List<double>();
        var armed = new List<double>();
        await UdpThroughputBench.MeasureAsync(pair, 0.5);
        for (var r = 0; r < pairs; r++)
        {
            foreach (var on in r % 2 == 0 ? new[] { false, true } : [true, false])
            {
                await runner.ConvergeAsync(on ? [other] : [], [], CancellationToken.None);
                (on ? armed : idle).Add((await UdpThroughputBench.MeasureAsync(pair, 1.0)).Sent);
            }

            ratios.Add(armed[^1] / idle[^1]);
        }

        Console.WriteLine($"TraceSession cost on untraced traffic (64-byte UDP between namespaces, {pairs} alternating pairs of 1s slices)");
        Console.WriteLine($"  {"",-22} {"no trace",14} {"trace armed",14} {"ratio",7}");
        Console.WriteLine($"  {"sent pkt/s (median)",-22} {Median(idle),14:N0} {Median(armed),14:N0} {Median(ratios),7:F3}");
        Console.WriteLine($"  {"ratio spread",-22} {"",14} {"",14} {ratios.Min(),7:F3}..{ratios.Max():F3}");

        // Every packet a traced drop event: the writer's throughput and what it costs on disk.
        await NetnsPair.ExecAsync(pair.NamespaceB, "nft", "add table inet rbench; add chain inet rbench input_rb { type filter hook input priority 0; }; add rule inet rbench input_rb udp dport 9100 drop");
        var traced = new NodeTraceAssignment { Key = "b/traced/1", Namespace = "b", Name = "traced", PodIps = [pair.AddressA], Events = [TraceEventKinds.Drop], HostPath = "traced" };
        await runner.ConvergeAsync([traced], [], CancellationToken.None);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var sent = (await UdpThroughputBench.MeasureAsync(pair, quick ? 2.0 : 5.0)).Sent;
        var sendSeconds = sw.Elapsed.TotalSeconds;
        var status = await TraceZeroLossBench.SettleAsync(runner, traced.Key);

        var wall = sw.Elapsed.TotalSeconds;
        var usedCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var events = status.Events ?? 0;
        var lost = status.LostEventsByReason ?? [];
        await runner.ConvergeAsync([traced.WithStop()], [], CancellationToken.None);
        var bytes = Directory.GetFiles(Path.Combine(baseDir, "traced")).Sum(f => new FileInfo(f).Length);
        Console.WriteLine($"  written events        {events,14:N0} in {wall:F1}s ({sent * sendSeconds:N0} packets sent at {sent:N0}/s)");
        Console.WriteLine($"  events/s per core     {events / Math.Max(usedCpu, 0.001),14:N0} (process CPU {usedCpu:F1}s, sender included)");
        Console.WriteLine($"  lost                  RingBufferFull={lost.GetValueOrDefault(TraceReasons.RingBufferFull)} WriterBehind={lost.GetValueOrDefault(TraceReasons.WriterBehind)}");
        Console.WriteLine($"  bytes per event       {(events > 0 ? (double)bytes / events : 0),14:F1} (gzip JSON lines on disk, {bytes:N0} bytes)");
        await runner.ConvergeAsync([], [], CancellationToken.None);
        await TraceZeroLossBench.RunAsync(pair, runner, quick);
        Console.WriteLine();
        Directory.Delete(baseDir, true);
    }

    private static NodeTraceAssignment WithStop(this NodeTraceAssignment a)
    {
        a.Stop = true;
        return a;
    }

    private static double Median(IEnumerable<double> xs)
    {
        var l = xs.Order().ToList();
        return l[l.Count / 2];
    }
}
