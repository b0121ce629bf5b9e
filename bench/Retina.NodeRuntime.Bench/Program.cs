using System.Globalization;

namespace Retina.NodeRuntime.Bench;

/// <summary>
/// Node runtime benchmarks, printed side by side with their comparison:
///   tc       per-run cost of each TC program (BPF_PROG_TEST_RUN) vs an empty program
///   coverage what whole-node coverage costs per packet path, and the interface scan
///   udp      64-byte UDP packets/s between namespaces, no programs vs all basic plugins
///   ringbuf  ring-buffer events/s ingested into metrics, with lost counts
///   rss      runtime RSS after N seconds with all basic plugins
///   trace    a TraceSession: pkt/s of untraced traffic with vs without a trace armed, events/s per core, bytes per event
///   thresholds  one node-local threshold evaluation tick with N thresholds vs none, beside one /metrics scrape
/// Usage: Retina.NodeRuntime.Bench [all|tc|coverage|udp|ringbuf|rss|trace|thresholds] [--quick] [--seconds N]
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Console.Error.WriteLine("needs root (eBPF and network namespaces)");
            return 2;
        }

        var quick = args.Contains("--quick");
        var secondsAt = Array.IndexOf(args, "--seconds");
        var rssSeconds = secondsAt >= 0 ? int.Parse(args[secondsAt + 1], CultureInfo.InvariantCulture) : quick ? 10 : 60;
        var suite = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && !int.TryParse(a, out _)) ?? "all";

        if (suite == "rss-child")
        {
            return await RssBench.ChildAsync(rssSeconds);
        }

        Console.WriteLine($"machine: {Machine.Describe()}");
        Console.WriteLine();
        if (suite is "all" or "tc")
        {
            TcCostBench.Run(quick);
        }

        if (suite is "all" or "coverage")
        {
            await CoverageBench.RunAsync(quick);
        }

        if (suite is "all" or "udp")
        {
            await UdpThroughputBench.RunAsync(quick);
        }

        if (suite is "all" or "ringbuf")
        {
            await RingBufferBench.RunAsync(quick);
        }

        if (suite is "all" or "trace")
        {
            await TraceBench.RunAsync(quick);
        }

        if (suite is "all" or "thresholds")
        {
            ThresholdBench.Run(quick);
        }

        if (suite is "all" or "rss")
        {
            await RssBench.RunAsync(rssSeconds);
        }

        return 0;
    }
}
