using System.Diagnostics;
using Retina.Native.Libbpf;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins;

namespace Retina.NodeRuntime.Bench;

/// <summary>
/// Ring-buffer events/s taken into metrics through the same path as the plugins (libbpf callback →
/// bounded channel → consumer → prometheus counter), produced in the kernel by BPF_PROG_TEST_RUN.
/// </summary>
internal static class RingBufferBench
{
    public static async Task RunAsync(bool quick)
    {
        var seconds = quick ? 1.0 : 3.0;
        Console.WriteLine($"Ring buffer ingest into metrics ({seconds}s per row; 16-byte events; one polling thread + one consumer)");
        Console.WriteLine($"  {"producer",-22} {"produced/s",12} {"ingested/s",12} {"lost(kernel)",13} {"lost(channel)",14} {"total ingested",14}  target >= 1M/s, 0 lost at 500k/s");
        foreach (var rate in new double?[] { null, 500_000 })
        {
            var (produced, ingested, total, lostKernel, lostChannel) = await MeasureAsync(seconds, rate);
            var label = rate is null ? "flat out" : $"paced {rate:N0}/s";
            Console.WriteLine($"  {label,-22} {produced / seconds,12:N0} {ingested / seconds,12:N0} {lostKernel,13:N0} {lostChannel,14:N0} {total,14:N0}");
        }

        Console.WriteLine();
    }

    private static async Task<(long Produced, long Ingested, long Total, ulong LostKernel, double LostChannel)> MeasureAsync(double seconds, double? rate)
    {
        using var obj = BpfObject.Load(Path.Combine(AppContext.BaseDirectory, "bpf", "bench.bpf.o"));
        var metrics = new NodeMetrics();
        var counter = metrics.ParsedPackets.WithLabels("bench");
        var pump = new EventPump(obj.Map("retina_bench"), "bench", metrics, 65536, _ => counter.Inc());
        var prog = obj.Program("retina_bench_rb");
        var frame = Packets.Frame(9000);
        long produced = 0;
        var sw = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.Run(() =>
        {
            while (sw.Elapsed < until)
            {
                if (rate is { } r)
                {
                    var due = (long)(sw.Elapsed.TotalSeconds * r);
                    var batch = (int)Math.Min(due - produced, 2000);
                    if (batch <= 0)
                    {
                        Thread.SpinWait(200);
                        continue;
                    }

                    prog.TestRun(frame, batch);
                    produced += batch;
                }
                else
                {
                    prog.TestRun(frame, 2000);
                    produced += 2000;
                }
            }
        });

        var ingestedInWindow = (long)counter.Value;

        // Let the consumer finish what was produced in the window before reading the counts.
        var deadline = Stopwatch.StartNew();
        while (pump.Received + (long)obj.Map("retina_bench_ls").SumPerCpuU64(0) < produced && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(10);
        }

        await pump.DisposeAsync();
        var lostChannel = LostChannel(await metrics.ScrapeAsync());
        return (produced, ingestedInWindow, (long)counter.Value, obj.Map("retina_bench_ls").SumPerCpuU64(0), lostChannel);
    }

    private static double LostChannel(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("controlplane_networkobservability_lost_events_total{type=\"bench\",reason=\"channel_full\"}", StringComparison.Ordinal))
            {
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
