using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Retina.Native.Packet;
using Retina.NodeRuntime.Capture;
using Retina.Testing.Netns;

namespace Retina.Capture.Bench;

/// <summary>
/// Capture benchmarks on real veth traffic between two network namespaces (root only):
/// <c>latency [runs]</c> — engine start → first packet written, p50/p95;
/// <c>rate [seconds]</c> — our engine and <c>tcpdump -w</c> capturing the same flood at the same time: packets, kernel drops, CPU per 100k packets.
/// <c>send …</c> is the flood generator, run as a child process so its CPU is not counted as ours.
/// </summary>
internal static class Program
{
    private const int Port = 9999;

    public static async Task<int> Main(string[] args)
    {
        var mode = args.FirstOrDefault() ?? "all";
        switch (mode)
        {
            case "send":
                return Send(args[1], args[2], args[3], int.Parse(args[4], CultureInfo.InvariantCulture), double.Parse(args[5], CultureInfo.InvariantCulture), int.Parse(args[6], CultureInfo.InvariantCulture));
            case "latency":
                await LatencyAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20);
                return 0;
            case "rate":
                await RateAsync(
                    args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5,
                    args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1);
                return 0;
            case "recorder":
                await RecorderBench.RunAsync(args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5, FloodAsync);
                return 0;
            case "all":
                await LatencyAsync(20);
                await RateAsync(5, 1);
                await RateAsync(5, 3);
                await RecorderBench.RunAsync(5, FloodAsync);
                return 0;
            default:
                Console.Error.WriteLine("usage: Retina.Capture.Bench [latency [runs] | rate [seconds [senders]] | recorder [seconds] | all]");
                return 2;
        }
    }

    private static async Task LatencyAsync(int runs)
    {
        await using var pair = await NetnsPair.CreateAsync("cb");
        var work = Directory.CreateTempSubdirectory("capture-bench-").FullName;
        using var sink = await BindAsync(pair.NamespaceA, pair.AddressA, Port);
        using var sender = await BindAsync(pair.NamespaceB, pair.AddressB, 0);
        using var stopSending = new CancellationTokenSource();
        var target = new IPEndPoint(IPAddress.Parse(pair.AddressA), Port);
        var trickle = Task.Run(async () =>
        {
            var payload = new byte[64];
            while (!stopSending.IsCancellationRequested)
            {
                sender.SendTo(payload, target);
                await Task.Delay(1);
            }
        });

        var engine = new CaptureEngine(new CaptureEngineOptions { WorkDirectory = work, KeepLocalArtifacts = false });
        var samples = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            var session = await engine.StartAsync(new CaptureRequest
            {
                Namespace = "bench",
                Name = $"latency{i}",
                NodeName = "node",
                NetworkNamespacePath = NetworkNamespace.PathOf(pair.NamespaceA),
                Interfaces = [pair.VethA],
                PcapFilter = $"udp port {Port}",
                IncludeMetadata = false,
            });
            while (session.Counters.Packets == 0)
            {
                await Task.Delay(1);
            }

            samples.Add(clock.Elapsed.TotalMilliseconds);
            var result = await session.StopAsync();
            if (result.ArtifactPath is { } p)
            {
                File.Delete(p);
            }
        }

        await stopSending.CancelAsync();
        await trickle;
        Directory.Delete(work, recursive: true);
        samples.Sort();
        Console.WriteLine($"capture start -> first packet written ({runs} runs, traffic every ~1 ms): p50 {Percentile(samples, 50):F1} ms, p95 {Percentile(samples, 95):F1} ms, max {samples[^1]:F1} ms (target p50 <= 1000 ms)");
    }

    private static async Task RateAsync(double seconds, int senders)
    {
        await using var pair = await NetnsPair.CreateAsync("cr");
        var work = Directory.CreateTempSubdirectory("capture-bench-").FullName;
        using var sink = await BindAsync(pair.NamespaceA, pair.AddressA, Port);
        var engine = new CaptureEngine(new CaptureEngineOptions { WorkDirectory = work, KeepLocalArtifacts = false });
        var session = await engine.StartAsync(new CaptureRequest
        {
            Namespace = "bench",
            Name = "rate",
            NodeName = "node",
            NetworkNamespacePath = NetworkNamespace.PathOf(pair.NamespaceA),
            Interfaces = [pair.VethA],
            PcapFilter = $"udp port {Port}",
            IncludeMetadata = false,
            MaxCaptureSizeBytes = long.MaxValue,
        });

        var tcpdumpFile = Path.Combine(work, "tcpdump.pcap");
        var tcpdump = Start("ip", ["netns", "exec", pair.NamespaceA, "tcpdump", "-i", pair.VethA, "-n", "-Z", "root", "-w", tcpdumpFile, "-s", "262144", $"udp port {Port}"]);
        var tcpdumpOutput = new System.Text.StringBuilder();
        var listening = new TaskCompletionSource();
        tcpdump.ErrorDataReceived += (_, e) =>
        {
            lock (tcpdumpOutput)
            {
                tcpdumpOutput.AppendLine(e.Data);
            }

            if (e.Data?.Contains("listening on", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        tcpdump.BeginErrorReadLine();
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var tcpdumpPid = FindChild(tcpdump.Id, "tcpdump");

        var ourCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var theirCpu = CpuTime(tcpdumpPid);
        var self = Environment.ProcessPath!;
        var selfArgs = Path.GetFileNameWithoutExtension(self) == "dotnet" ? new[] { typeof(Program).Assembly.Location } : [];
        var flood = Enumerable.Range(0, senders).Select(async _ =>
        {
            using var sender = Start(self, [.. selfArgs, "send", NetworkNamespace.PathOf(pair.NamespaceB), pair.AddressB, pair.AddressA, Port.ToString(CultureInfo.InvariantCulture), seconds.ToString(CultureInfo.InvariantCulture), "22"]);
            var sentText = await sender.StandardOutput.ReadToEndAsync();
            await sender.WaitForExitAsync();
            return long.Parse(sentText.Trim(), CultureInfo.InvariantCulture);
        }).ToList();
        var sent = (await Task.WhenAll(flood)).Sum();

        // Let both drain what the kernel already holds, then read the counters.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (session.Counters is var c && c.Packets + c.KernelDrops < c.KernelPackets && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        // tcpdump hands packets over in 1 s batches (its default buffer timeout): give it that before it is counted.
        await Task.Delay(1500);
        ourCpu = Process.GetCurrentProcess().TotalProcessorTime - ourCpu;
        theirCpu = CpuTime(tcpdumpPid) - theirCpu;
        var ours = await session.StopAsync();
        Process.Start("kill", ["-INT", tcpdumpPid.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        await tcpdump.WaitForExitAsync();
        var text = tcpdumpOutput.ToString();
        var tdCaptured = Number(text, "packets captured");
        var tdDropped = Number(text, "packets dropped by kernel");

        Console.WriteLine($"flood: {sent} UDP packets (64-byte frames) in {seconds} s from {senders} child process(es), both capturing vethA at once");
        Console.WriteLine($"{"",-22}{"captured",12}{"pkt/s",12}{"kernel drops",14}{"CPU ms/100k",14}");
        Console.WriteLine($"{"Retina.NET engine",-22}{ours.Counters.Packets,12}{ours.Counters.Packets / seconds,12:F0}{ours.Counters.KernelDrops,14}{ourCpu.TotalMilliseconds / Math.Max(1, ours.Counters.Packets) * 100_000,14:F1}");
        Console.WriteLine($"{"tcpdump -w",-22}{tdCaptured,12}{tdCaptured / seconds,12:F0}{tdDropped,14}{theirCpu.TotalMilliseconds / Math.Max(1, tdCaptured) * 100_000,14:F1}");
        Console.WriteLine($"ratio (ours / tcpdump captured): {(double)ours.Counters.Packets / Math.Max(1, tdCaptured):F2}x");
        Directory.Delete(work, recursive: true);
    }

    /// <summary>One sender child process flooding <paramref name="to"/> for <paramref name="seconds"/>; returns the packets sent.</summary>
    private static async Task<long> FloodAsync(string namespacePath, string from, string to, int port, double seconds)
    {
        var self = Environment.ProcessPath!;
        var selfArgs = Path.GetFileNameWithoutExtension(self) == "dotnet" ? new[] { typeof(Program).Assembly.Location } : [];
        using var sender = Start(self, [.. selfArgs, "send", namespacePath, from, to, port.ToString(CultureInfo.InvariantCulture), seconds.ToString(CultureInfo.InvariantCulture), "22"]);
        var sentText = await sender.StandardOutput.ReadToEndAsync();
        await sender.WaitForExitAsync();
        return long.Parse(sentText.Trim(), CultureInfo.InvariantCulture);
    }

    private static int Send(string namespacePath, string from, string to, int port, double seconds, int payload)
    {
        NetworkNamespace.Enter(namespacePath);
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
        var target = new IPEndPoint(IPAddress.Parse(to), port);
        var data = new byte[payload];
        long sent = 0;
        var clock = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(seconds);
        while (clock.Elapsed < limit)
        {
            for (var i = 0; i < 256; i++)
            {
                s.SendTo(data, target);
            }

            sent += 256;
        }

        Console.WriteLine(sent);
        return 0;
    }

    private static Task<Socket> BindAsync(string ns, string address, int port) =>
        NetworkNamespace.RunAsync(NetworkNamespace.PathOf(ns), () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Parse(address), port));
            return s;
        });

    private static Process Start(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi)!;
    }

    /// <summary>`ip netns exec` execs tcpdump in place, but look one level down in case a wrapper forked.</summary>
    private static int FindChild(int pid, string name)
    {
        if (File.ReadAllText($"/proc/{pid}/comm").Trim() == name)
        {
            return pid;
        }

        foreach (var child in File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            return int.Parse(child, CultureInfo.InvariantCulture);
        }

        return pid;
    }

    private static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    private static long Number(string text, string suffix)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.Contains(suffix, StringComparison.Ordinal))
            {
                return long.Parse(line.Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    private static double Percentile(List<double> sorted, int p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
