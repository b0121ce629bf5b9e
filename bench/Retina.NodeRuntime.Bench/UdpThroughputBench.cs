using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Retina.Native.Libc;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Bench;

/// <summary>64-byte UDP packets/s from one namespace to another, without programs and with all basic plugins on the sender's veth.</summary>
internal static class UdpThroughputBench
{
    public static async Task RunAsync(bool quick)
    {
        await using var pair = await NetnsPair.CreateAsync("bu");
        const double seconds = 1.0;
        var pairs = quick ? 3 : 15;
        var state = Directory.CreateTempSubdirectory("retina-bench-").FullName;
        await using var host = new PluginHost(new PluginHostOptions { NetworkNamespace = pair.NamespaceA, StateDirectory = state }, new NodeMetrics());
        var all = PluginCatalog.Basic.Select(n => new PluginRequest(n, new Dictionary<string, string> { ["interfaces"] = pair.VethA })).ToList();

        // Alternate short slices (ABBA order) so drift and other load on the machine hit both sides alike;
        // the ratio is the median of per-pair ratios.
        var baseline = new List<double>();
        var withPlugins = new List<double>();
        var ratios = new List<double>();
        await MeasureAsync(pair, 0.5); // warm up
        for (var r = 0; r < pairs; r++)
        {
            double b, p;
            if (r % 2 == 0)
            {
                await host.ApplyAsync([], CancellationToken.None);
                b = (await MeasureAsync(pair, seconds)).Sent;
                await host.ApplyAsync(all, CancellationToken.None);
                p = (await MeasureAsync(pair, seconds)).Sent;
            }
            else
            {
                await host.ApplyAsync(all, CancellationToken.None);
                p = (await MeasureAsync(pair, seconds)).Sent;
                await host.ApplyAsync([], CancellationToken.None);
                b = (await MeasureAsync(pair, seconds)).Sent;
            }

            baseline.Add(b);
            withPlugins.Add(p);
            ratios.Add(p / b);
        }

        await host.ApplyAsync(all, CancellationToken.None);
        var hooks = string.Join(", ", host.Current.Where(s => s.Hook is not null).Select(s => $"{s.Name}={s.Hook}"));
        await host.ApplyAsync([], CancellationToken.None);
        Console.WriteLine($"64-byte UDP between namespaces (veth, one sender thread, {pairs} alternating pairs of {seconds}s slices)");
        Console.WriteLine($"  {"",-22} {"no programs",14} {"all basic",14} {"ratio",7}  target >= 0.97");
        Console.WriteLine($"  {"sent pkt/s (median)",-22} {Median(baseline),14:N0} {Median(withPlugins),14:N0} {Median(ratios),7:F3}");
        Console.WriteLine($"  {"ratio spread",-22} {"",14} {"",14} {ratios.Min(),7:F3}..{ratios.Max():F3}");
        Console.WriteLine($"  (plugins on {pair.VethA}: {hooks}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
        Console.WriteLine();
    }

    private static double Median(IEnumerable<double> xs)
    {
        var l = xs.Order().ToList();
        return l[l.Count / 2];
    }

    internal static async Task<(double Sent, double Received)> MeasureAsync(NetnsPair pair, double seconds)
    {
        Socket rx, tx;
        using (var tb = NetnsThread.Start(pair.NamespaceB))
        {
            rx = await tb.RunAsync(() =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 << 20 };
                s.Bind(new IPEndPoint(IPAddress.Parse(pair.AddressB), 9100));
                return s;
            });
        }

        using (var ta = NetnsThread.Start(pair.NamespaceA))
        {
            tx = await ta.RunAsync(() =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                s.Connect(new IPEndPoint(IPAddress.Parse(pair.AddressB), 9100));
                return s;
            });
        }

        using (rx)
        using (tx)
        {
            long received = 0;
            var stop = false;
            var receiver = new Thread(() =>
            {
                var buf = new byte[2048];
                rx.ReceiveTimeout = 200;
                while (!Volatile.Read(ref stop))
                {
                    try
                    {
                        rx.Receive(buf);
                        received++;
                    }
                    catch (SocketException)
                    {
                    }
                }
            });
            receiver.Start();
            var payload = new byte[22];
            long sent = 0;
            var sw = Stopwatch.StartNew();
            var until = TimeSpan.FromSeconds(seconds);
            while (sw.Elapsed < until)
            {
                for (var i = 0; i < 256; i++)
                {
                    tx.Send(payload);
                }

                sent += 256;
            }

            var elapsed = sw.Elapsed.TotalSeconds;
            var got = Interlocked.Read(ref received);
            Volatile.Write(ref stop, true);
            receiver.Join();
            return (sent / elapsed, got / elapsed);
        }
    }
}
