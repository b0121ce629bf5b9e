using Retina.Api.TraceSession;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.NodeRuntime.Trace;
using Retina.Testing.Kernel;

namespace Retina.NodeRuntime.Tests.Trace;

/// <summary>
/// Two traces run at once on one node and only one is overloaded: the records the writer had no room for are counted
/// by the trace they belonged to (its pods, its kinds), not by every trace on the node.
/// </summary>
public sealed class TraceLostAttributionTests
{
    private const int Flood = 20000;
    private const int ClosedPort = 7400;

    [KernelFact]
    public async Task Writer_losses_are_charged_to_the_overloaded_trace_only()
    {
        await using var bed = await TraceBed.StartAsync("tla", 3);
        await bed.Runner.DisposeAsync();
        // A 64-record channel between the ring buffer and the writer: a burst overflows it at once.
        bed.NewRunner(eventChannelCapacity: 64);
        var busy = bed.Assignment("busy", [TraceEventKinds.SockError], 0);
        var quiet = bed.Assignment("quiet", [TraceEventKinds.SockError], 2);
        await bed.StartAsync(busy, quiet);

        using (var web = await NsUdp.BindAsync(bed.Pod(0).Namespace, bed.Pod(0).Address, 0))
        {
            NsUdp.Send(web, bed.Pod(1).Address, ClosedPort, Flood);
        }

        static long Lost(Api.NodeRuntime.NodeTraceStatus s, string reason) => s.LostEventsByReason?.GetValueOrDefault(reason) ?? 0;
        var b = await bed.WaitAsync(busy.Key, s => s.Events + Lost(s, TraceReasons.WriterBehind) + Lost(s, TraceReasons.RingBufferFull) >= Flood,
            $"each of the {Flood} drops is written or counted lost");
        Lost(b, TraceReasons.WriterBehind).ShouldBeGreaterThan(0, "the flood overflowed the writer");

        using (var cache = await NsUdp.BindAsync(bed.Pod(2).Namespace, bed.Pod(2).Address, 0))
        {
            // One at a time, each written before the next is sent: none can overflow the channel.
            for (var i = 1; i <= 5; i++)
            {
                NsUdp.Send(cache, bed.Pod(1).Address, ClosedPort, 1);
                await bed.WaitAsync(quiet.Key, s => s.Events >= i, $"the quiet trace's drop {i}");
            }
        }

        var q = bed.Status(quiet.Key);
        q.Events.ShouldBe(5);
        Lost(q, TraceReasons.WriterBehind).ShouldBe(0, "none of the records the writer dropped named the quiet trace's pod");
        Lost(q, TraceReasons.RingBufferFull).ShouldBe(0, "the kernel charges a record it had no room for to the trace slots of its addresses (TraceRingLossAttributionTests)");
        bed.Lines("quiet").Count.ShouldBe(5);
    }
}
