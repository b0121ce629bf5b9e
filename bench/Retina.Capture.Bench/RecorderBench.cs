using System.Diagnostics;
using System.Globalization;
using Retina.Native.Packet;
using Retina.NodeRuntime.Capture;
using Retina.Testing.Netns;

namespace Retina.Capture.Bench;

/// <summary>
/// <c>recorder [seconds]</c>: the flight recorder's cost. The same flood (child sender processes, so their CPU is not
/// ours) runs twice in one run: without a recorder, then with one on vethA; prints this process's CPU and memory for
/// each, and the difference per 100 k packets/s.
/// </summary>
internal static class RecorderBench
{
    public static async Task RunAsync(double seconds, Func<string, string, string, int, double, Task<long>> flood)
    {
        await using var pair = await NetnsPair.CreateAsync("fr");
        var without = await PhaseAsync(pair, seconds, flood, recorder: false);
        var with = await PhaseAsync(pair, seconds, flood, recorder: true);

        Console.WriteLine($"flight recorder cost, {seconds} s floods of 64-byte UDP frames on vethA (one run, same flood twice)");
        Console.WriteLine($"{"",-18}{"pkt/s",12}{"CPU ms/s",12}{"RSS MiB",10}{"GC heap MiB",13}{"held MiB",10}{"held pkts",11}");
        foreach (var (name, p) in new[] { ("no recorder", without), ("recorder on", with) })
        {
            Console.WriteLine($"{name,-18}{p.Rate,12:F0}{p.CpuMsPerSecond,12:F1}{p.RssMiB,10:F1}{p.HeapMiB,13:F1}{p.HeldMiB,10:F1}{p.HeldPackets,11}");
        }

        var per100k = 100_000 / Math.Max(1, with.Rate);
        Console.WriteLine($"per 100 k packets/s: +{(with.CpuMsPerSecond - without.CpuMsPerSecond) * per100k / 10:F1} % of one core, " +
                          $"+{(with.RssMiB - without.RssMiB) * per100k / seconds:F1} MiB RSS per second held (memory grows as pkt/s x seconds kept x (frame + {FlightRecorder.PerPacketOverheadBytes} B) until maxBytes, {with.MaxMiB:F0} MiB here)");
    }

    private sealed record Phase(double Rate, double CpuMsPerSecond, double RssMiB, double HeapMiB, double HeldMiB, long HeldPackets, double MaxMiB);

    private static async Task<Phase> PhaseAsync(NetnsPair pair, double seconds, Func<string, string, string, int, double, Task<long>> flood, bool recorder)
    {
        const long maxBytes = 256L * 1024 * 1024;
        GC.Collect();
        var rssBefore = Rss();
        await using var r = recorder
            ? await FlightRecorder.StartAsync(new FlightRecorderOptions { NetworkNamespacePath = NetworkNamespace.PathOf(pair.NamespaceA), Interfaces = [pair.VethA], MaxBytes = maxBytes })
            : null;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var sent = await flood(NetworkNamespace.PathOf(pair.NamespaceB), pair.AddressB, pair.AddressA, 9998, seconds);
        var elapsed = clock.Elapsed.TotalSeconds;
        var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        var (held, bytes) = r is null ? (0L, 0L) : (r.Held.Packets, r.Counters.BytesHeld);
        return new Phase(sent / elapsed, used / elapsed, (Rss() - rssBefore) / 1048576.0, GC.GetTotalMemory(false) / 1048576.0, bytes / 1048576.0, held, maxBytes / 1048576.0);
    }

    private static long Rss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
