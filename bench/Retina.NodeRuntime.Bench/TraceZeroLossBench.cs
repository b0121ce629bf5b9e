using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Retina.Api.NodeRuntime;
using Retina.Api.TraceSession;
using Retina.Native.Libc;
using Retina.NodeRuntime.Trace;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Bench;

/// <summary>
/// The highest event rate a trace writes with nothing lost: every packet is one traced drop, offered at a paced rate
/// that doubles each step; each step is a fresh trace, so its counts are its own. Prints each step (written, lost,
/// CPU per event) and the last rate with zero loss.
/// </summary>
internal static class TraceZeroLossBench
{
    public static async Task RunAsync(NetnsPair pair, TraceRunner runner, bool quick)
    {
        var seconds = quick ? 2.0 : 5.0;
        Console.WriteLine($"  zero-loss search (paced drops, {seconds:F0}s per step, a fresh trace per step)");
        Console.WriteLine($"    {"offered/s",10} {"written",10} {"lost",8} {"written/s to drain",19} {"CPU us/event",13}");
        double? best = null;
        double bestCpu = 0;
        var lostSomewhere = false;
        for (var rate = 4000; rate <= 1_024_000; rate *= 2)
        {
            var step = new NodeTraceAssignment { Key = $"b/step-{rate}/1", Namespace = "b", Name = $"step-{rate}", PodIps = [pair.AddressA], Events = [TraceEventKinds.Drop], HostPath = $"step-{rate}" };
            await runner.ConvergeAsync([step], [], CancellationToken.None);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            await SendPacedAsync(pair, rate, seconds);
            var (status, drainedAt) = await SettleAsync(runner, step.Key, sw);
            var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            step.Stop = true;
            await runner.ConvergeAsync([step], [], CancellationToken.None);
            await runner.ConvergeAsync([], [], CancellationToken.None);
            var events = status.Events ?? 0;
            var lost = status.LostEventsByReason?.Values.Sum() ?? 0;
            var cpuPerEvent = events > 0 ? used * 1e6 / events : 0;
            var sustained = events / Math.Max(drainedAt.TotalSeconds, seconds);
            Console.WriteLine($"    {rate,10:N0} {events,10:N0} {lost,8:N0} {sustained,19:N0} {cpuPerEvent,13:F1}");
            if (lost > 0)
            {
                lostSomewhere = true;
                break;
            }

            (best, bestCpu) = (sustained, cpuPerEvent);
        }

        Console.WriteLine(best is { } b
            ? $"  events/s at 0 loss    {(lostSomewhere ? "" : ">= ") + b.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),14} ({(lostSomewhere ? "last step with nothing lost" : "no step lost any: the sender's limit was reached first")}, written/s until drained; {bestCpu:F1} us process CPU per event, paced sender included)"
            : "  events/s at 0 loss    none (the first step already lost events)");
    }

    /// <summary>Waits until the trace's written and lost counts stop moving (the writer has drained).</summary>
    internal static async Task<NodeTraceStatus> SettleAsync(TraceRunner runner, string key) => (await SettleAsync(runner, key, Stopwatch.StartNew()).ConfigureAwait(false)).Status;

    /// <summary>The same, with when (on <paramref name="clock"/>) the counts last moved.</summary>
    internal static async Task<(NodeTraceStatus Status, TimeSpan DrainedAt)> SettleAsync(TraceRunner runner, string key, Stopwatch clock)
    {
        var drainedAt = clock.Elapsed;
        var settle = Stopwatch.StartNew();
        long last = -1;
        NodeTraceStatus status;
        do
        {
            await Task.Delay(200);
            await runner.TickAsync();
            status = runner.Report().Single(s => s.Key == key);
            var seen = (status.Events ?? 0) + (status.LostEventsByReason?.Values.Sum() ?? 0);
            if (seen == last)
            {
                break;
            }

            (last, drainedAt) = (seen, clock.Elapsed);
        }
        while (settle.Elapsed < TimeSpan.FromSeconds(30));
        return (status, drainedAt);
    }

    private static async Task SendPacedAsync(NetnsPair pair, int rate, double seconds)
    {
        Socket tx;
        using (var ta = NetnsThread.Start(pair.NamespaceA))
        {
            tx = await ta.RunAsync(() =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                s.Connect(new IPEndPoint(IPAddress.Parse(pair.AddressB), 9100));
                return s;
            });
        }

        using (tx)
        {
            var payload = new byte[22];
            var total = (long)(rate * seconds);
            var sw = Stopwatch.StartNew();
            for (long sent = 0; sent < total;)
            {
                // Whatever is due, then a millisecond's sleep: the sender costs little CPU at low rates.
                var due = Math.Min((long)(sw.Elapsed.TotalSeconds * rate), total);
                for (; sent < due; sent++)
                {
                    tx.Send(payload);
                }

                Thread.Sleep(1);
            }
        }
    }
}
