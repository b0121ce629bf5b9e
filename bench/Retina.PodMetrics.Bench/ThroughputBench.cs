using Retina.NodeRuntime.Plugins;

namespace Retina.PodMetrics.Bench;

/// <summary>
/// Pod-to-pod throughput with no programs, with packetparser (connection tracking) and with
/// packetparser in per-packet mode, in alternating 1 s slices; plus events reaching user space per packet.
/// </summary>
internal static class ThroughputBench
{
    private sealed record Mode(string Name, PluginRequest? Request)
    {
        public List<double> Rates { get; } = [];
        public double Packets { get; set; }
        public double Events { get; set; }
    }

    private const double Slice = 0.5;

    public static async Task RunAsync(int pairs)
    {
        await using var node = await BenchNode.CreateAsync("ppb", 0);
        var modes = new[]
        {
            new Mode("no programs", null),
            new Mode("packetparser", BenchNode.Request(node.Network, conntrack: true)),
            new Mode("per-packet", BenchNode.Request(node.Network, conntrack: false)),
        };
        foreach (var (kind, unit) in new[] { ("UDP", "pkt/s"), ("TCP", "MB/s") })
        {
            foreach (var m in modes)
            {
                m.Rates.Clear();
                m.Packets = m.Events = 0;
            }

            var port = kind == "UDP" ? 9200 : 9300;
            await Measure(node, modes[0], kind, 0.5, port++); // warm up
            for (var r = 0; r < pairs; r++)
            {
                var order = r % 2 == 0 ? modes : modes.Reverse().ToArray();
                foreach (var m in order)
                {
                    m.Rates.Add(await Measure(node, m, kind, Slice, port++));
                }
            }

            await node.Host.ApplyAsync([], CancellationToken.None);
            var b = Median(modes[0].Rates);
            Console.WriteLine($"{kind} pod → pod on one node ({(kind == "UDP" ? "64-byte frames" : "1 KiB writes, Nagle off")}), median of {pairs} alternating {Slice} s slices; programs on both pods' veths");
            Console.WriteLine($"  {"",-24} {"no programs",14} {"packetparser",14} {"per-packet",14}");
            Console.WriteLine($"  {unit,-24} {b,14:N1} {Median(modes[1].Rates),14:N1} {Median(modes[2].Rates),14:N1}");
            Console.WriteLine($"  {"ratio to baseline",-24} {1.0,14:F3} {Median(PairRatios(modes[1], modes[0])),14:F3} {Median(PairRatios(modes[2], modes[0])),14:F3}   target >= 0.95");
            var r1 = PairRatios(modes[1], modes[0]).ToList();
            var r2 = PairRatios(modes[2], modes[0]).ToList();
            Console.WriteLine($"  {"ratio spread (pairs)",-24} {"",14} {$"{r1.Min():F2}..{r1.Max():F2}",14} {$"{r2.Min():F2}..{r2.Max():F2}",14}");
            Console.WriteLine($"  {"events / packet seen",-24} {"",14} {modes[1].Events / Math.Max(1, modes[1].Packets),14:F5} {modes[2].Events / Math.Max(1, modes[2].Packets),14:F5}");
            Console.WriteLine($"  {"packets seen by programs",-24} {"",14} {modes[1].Packets,14:N0} {modes[2].Packets,14:N0}");
            Console.WriteLine($"  (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
            Console.WriteLine();
        }
    }

    private static IEnumerable<double> PairRatios(Mode m, Mode baseline) => m.Rates.Zip(baseline.Rates, (x, y) => x / y);

    private static async Task<double> Measure(BenchNode node, Mode m, string kind, double seconds, int port)
    {
        await node.Host.ApplyAsync(m.Request is null ? [] : [m.Request], CancellationToken.None);
        var before = await node.KernelCountersAsync();
        var rate = kind == "UDP" ? await Traffic.UdpAsync(node.Network, seconds, port) : await Traffic.TcpAsync(node.Network, seconds, port);
        var after = await node.KernelCountersAsync();
        m.Packets += after.Packets - before.Packets;
        m.Events += after.Events - before.Events;
        return rate;
    }

    public static double Median(IEnumerable<double> xs)
    {
        var l = xs.Order().ToList();
        return l.Count == 0 ? 0 : l[l.Count / 2];
    }
}
