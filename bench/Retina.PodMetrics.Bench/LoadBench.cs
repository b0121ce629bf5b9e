using System.Diagnostics;
using Retina.NodeRuntime.Plugins;

namespace Retina.PodMetrics.Bench;

/// <summary>Runtime RSS and CPU while a child process sends 100 k packets/s between two pods, with 1 000 pods in the cache.</summary>
internal static class LoadBench
{
    public static async Task RunAsync(double seconds, int rate, int flows)
    {
        await using var node = await BenchNode.CreateAsync("ppl", 998);
        var (a, b) = (node.Network.Pods[0], node.Network.Pods[1]);
        Console.WriteLine($"Runtime at {rate:N0} UDP packets/s over {flows} flows between two pods, {node.Cache.PodCount:N0} pods in the cache, {seconds} s per mode, one scrape per second");
        Console.WriteLine($"  {"mode",-14} {"sent pkt/s",12} {"CPU %",8} {"RSS MiB",9} {"events",10} {"adv series",11}");
        var port = 9400;
        foreach (var (name, request) in new (string, PluginRequest?)[]
        {
            ("no programs", null),
            ("packetparser", BenchNode.Request(node.Network, conntrack: true)),
            ("per-packet", BenchNode.Request(node.Network, conntrack: false)),
        })
        {
            await node.Host.ApplyAsync(request is null ? [] : [request], CancellationToken.None);
            using var sink = Child(b.Namespace, "sink", b.Address, port.ToString(), (seconds + 3).ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Task.Delay(300); // let the sink bind before the first packet (setup, not synchronisation of results)
            var before = await node.KernelCountersAsync();
            var proc = Process.GetCurrentProcess();
            var cpu0 = proc.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            using var sender = Child(a.Namespace, "send", b.Address, port.ToString(), rate.ToString(), flows.ToString(), seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var scrapes = Task.Run(async () =>
            {
                while (!sender.HasExited)
                {
                    await node.Metrics.ScrapeAsync();
                    await Task.Delay(1000);
                }
            });
            var sentText = await sender.StandardOutput.ReadToEndAsync();
            await sender.WaitForExitAsync();
            await scrapes;
            var elapsed = sw.Elapsed.TotalSeconds;
            proc.Refresh();
            var cpu = (proc.TotalProcessorTime - cpu0).TotalSeconds / elapsed * 100;
            var after = await node.KernelCountersAsync();
            var sent = double.TryParse(sentText.Trim(), out var s) ? s : 0;
            var series = node.Pod.SeriesCount("forward_count") + node.Pod.SeriesCount("forward_bytes");
            Console.WriteLine($"  {name,-14} {sent / seconds,12:N0} {cpu,8:F1} {RssMiB(),9:F1} {after.Events - before.Events,10:N0} {series,11:N0}");
            sink.Kill();
            await sink.WaitForExitAsync();
            port++;
        }

        await node.Host.ApplyAsync([], CancellationToken.None);
        Console.WriteLine("  (CPU and RSS are the whole bench process — runtime, plugin, metrics, GC; the sender and receiver are child processes)");
        Console.WriteLine();
    }

    private static Process Child(string ns, params string[] args)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, UseShellExecute = false };
        // the bench's own executable (apphost), else the dll through the dotnet host
        var apphost = Path.Combine(AppContext.BaseDirectory, "Retina.PodMetrics.Bench");
        string[] self = File.Exists(apphost) ? [apphost] : [Environment.ProcessPath!, typeof(LoadBench).Assembly.Location];
        foreach (var x in new[] { "netns", "exec", ns }.Concat(self).Concat(args))
        {
            psi.ArgumentList.Add(x);
        }

        return Process.Start(psi)!;
    }

    public static double RssMiB() =>
        double.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
}
