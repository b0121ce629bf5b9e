using System.Globalization;
using System.Runtime.InteropServices;

namespace Retina.PodMetrics.Bench;

/// <summary>
/// Pod-level metrics benchmarks (root): throughput with and without packetparser, events per
/// packet, runtime CPU/RSS at 100 k packets/s with 1 000 pods cached, series after pod churn; <c>context</c>: node
/// memory and watch bytes of local and remote context at 10 000 pods (not part of <c>all</c>).
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var what = args.Length > 0 ? args[0] : "all";
        switch (what)
        {
            case "send":
                return Traffic.SendPaced(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture), double.Parse(args[5], CultureInfo.InvariantCulture));
            case "sink":
                return Sink(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), double.Parse(args[3], CultureInfo.InvariantCulture));
            case "context-node":
                return await ContextBench.NodeAsync(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
            case "context":
                // No root needed: the fake API server and the node's feed are plain processes.
                Console.WriteLine($"Machine: {Describe()}");
                await ContextBench.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100);
                return 0;
        }

        if (!Environment.IsPrivilegedProcess)
        {
            Console.Error.WriteLine("run as root: the bench creates network namespaces and loads eBPF programs");
            return 2;
        }

        Console.WriteLine($"Machine: {Describe()}");
        Console.WriteLine();
        if (what is "all" or "cost")
        {
            ProgramCostBench.Run(Path.Combine(AppContext.BaseDirectory, "bpf", "packetparser.bpf.o"), 1_000_000);
        }

        if (what is "all" or "throughput")
        {
            await ThroughputBench.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 11);
        }

        if (what is "all" or "load")
        {
            await LoadBench.RunAsync(5, 100_000, 64);
        }

        if (what is "all" or "churn")
        {
            ChurnBench.Run(10_000);
        }

        return 0;
    }

    private static int Sink(string address, int port, double seconds)
    {
        using var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp) { ReceiveBufferSize = 8 << 20, ReceiveTimeout = 200 };
        s.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Parse(address), port));
        var buf = new byte[2048];
        var end = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < end)
        {
            try
            {
                s.Receive(buf);
            }
            catch (System.Net.Sockets.SocketException)
            {
            }
        }

        return 0;
    }

    private static string Describe()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var memKb = long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return $"{cpu}, {Environment.ProcessorCount} vCPU, {memKb / 1024 / 1024} GiB, Linux {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, {RuntimeInformation.FrameworkDescription}";
    }
}
