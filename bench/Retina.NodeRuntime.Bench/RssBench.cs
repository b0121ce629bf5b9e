using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Retina.Native.Libc;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Bench;

/// <summary>
/// RSS of a runtime process (a child: only the plugin host, the exporter and a traffic generator
/// in its namespaces) running all basic plugins for N seconds while this process scrapes it every second.
/// </summary>
internal static class RssBench
{
    public static async Task RunAsync(int seconds)
    {
        Console.WriteLine($"Runtime RSS with all basic plugins + exporter after {seconds}s (child process, scraped every 1s, UDP and DNS traffic)");
        Console.WriteLine($"  {"",-24} {"measured",12} {"target",12}");
        foreach (var (label, env) in new (string, Dictionary<string, string>)[]
                 {
                     ("default GC settings", []),
                     ("TieredPGO=0, gen0 2 MiB", new() { ["DOTNET_TieredPGO"] = "0", ["DOTNET_GCgen0size"] = "0x200000" }),
                 })
        {
            Console.WriteLine($"  [{label}]");
            foreach (var line in await RunChildAsync(seconds, env))
            {
                Console.WriteLine("  " + line);
            }
        }

        Console.WriteLine();
    }

    private static async Task<List<string>> RunChildAsync(int seconds, Dictionary<string, string> env)
    {
        // Run as `dotnet <dll>` or through the apphost, whichever started us.
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardInput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            psi.ArgumentList.Add(typeof(RssBench).Assembly.Location);
        }

        psi.ArgumentList.Add("rss-child");
        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }

        using var p = Process.Start(psi)!;
        var first = await p.StandardOutput.ReadLineAsync() ?? "";
        var address = new Uri(first.Split(' ')[1]);
        using var http = new HttpClient();
        var scrapes = 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            var text = await http.GetStringAsync(new Uri(address, "/metrics"));
            if (text.Contains("networkobservability_forward_count", StringComparison.Ordinal))
            {
                scrapes++;
            }

            await Task.Delay(1000);
        }

        await p.StandardInput.WriteLineAsync("report");
        var rest = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return [.. rest.Split('\n', StringSplitOptions.RemoveEmptyEntries), $"(scrapes with forward_count: {scrapes})"];
    }

    public static async Task<int> ChildAsync(int unused)
    {
        await using var pair = await NetnsPair.CreateAsync("br");
        var state = Directory.CreateTempSubdirectory("retina-bench-").FullName;
        var metrics = new NodeMetrics();
        await using var host = new PluginHost(new PluginHostOptions { NetworkNamespace = pair.NamespaceA, StateDirectory = state }, metrics);
        await host.ApplyAsync(PluginCatalog.Basic.Select(n => new PluginRequest(n, new Dictionary<string, string> { ["interfaces"] = pair.VethA })).ToList(), CancellationToken.None);
        await using var exporter = new MetricsExporter(metrics, new MetricsExporterOptions { Address = "127.0.0.1:0" });
        await exporter.StartAsync(CancellationToken.None);
        Console.WriteLine($"ADDR {exporter.BoundAddress}");

        Socket tx;
        using (var ta = NetnsThread.Start(pair.NamespaceA))
        {
            tx = await ta.RunAsync(() => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        }

        using var stop = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            var dns = new byte[] { 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, (byte)'x', 0, 0, 1, 0, 1 };
            var data = new byte[22];
            var to53 = new IPEndPoint(IPAddress.Parse(pair.AddressB), 53);
            var toData = new IPEndPoint(IPAddress.Parse(pair.AddressB), 9200);
            while (!stop.IsCancellationRequested)
            {
                for (var i = 0; i < 1000; i++)
                {
                    tx.SendTo(dns, to53);
                    tx.SendTo(data, toData);
                }

                await Task.Delay(100);
            }
        });

        await Console.In.ReadLineAsync();
        await stop.CancelAsync();
        await traffic;
        tx.Dispose();
        var status = File.ReadAllLines("/proc/self/status");
        double MiB(string key) => long.Parse(status.First(l => l.StartsWith(key + ":", StringComparison.Ordinal)).Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        Console.WriteLine($"{"VmRSS",-24} {MiB("VmRSS"),8:F1} MiB {"<= 64 MiB",12}");
        Console.WriteLine($"{"  anon / file",-24} {MiB("RssAnon"),8:F1} MiB {MiB("RssFile"),8:F1} MiB");
        Console.WriteLine($"{"GC heap",-24} {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0,8:F1} MiB");
        Console.WriteLine($"(plugins: {string.Join(", ", host.Current.Select(s => $"{s.Name}={s.State}"))})");
        return 0;
    }
}
