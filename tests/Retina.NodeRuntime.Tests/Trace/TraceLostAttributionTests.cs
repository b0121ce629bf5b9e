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

    private static long Lost(Api.NodeRuntime.NodeTraceStatus s, string reason) => s.LostEventsByReason?.GetValueOrDefault(reason) ?? 0;

    /// <summary>Two sockerror traces, busy on pod 0 and quiet on pod 2, over a writer queue of <paramref name="capacity"/>; pod 0 floods pod 1's closed port and every drop is accounted for.</summary>
    private static async Task<(Api.NodeRuntime.NodeTraceAssignment Quiet, Api.NodeRuntime.NodeTraceStatus Busy)> FloodBusyAsync(TraceBed bed, int capacity, int flood)
    {
        await bed.Runner.DisposeAsync();
        bed.NewRunner(eventChannelCapacity: capacity);
        var busy = bed.Assignment("busy", [TraceEventKinds.SockError], 0);
        var quiet = bed.Assignment("quiet", [TraceEventKinds.SockError], 2);
        await bed.StartAsync(busy, quiet);
        using (var web = await NsUdp.BindAsync(bed.Pod(0).Namespace, bed.Pod(0).Address, 0))
        {
            NsUdp.Send(web, bed.Pod(1).Address, ClosedPort, flood);
        }

        var b = await bed.WaitAsync(busy.Key, s => s.Events + Lost(s, TraceReasons.WriterBehind) + Lost(s, TraceReasons.RingBufferFull) >= flood,
            $"each of the {flood} drops is written or counted lost");
        return (quiet, b);
    }

    [KernelFact]
    public async Task Writer_losses_are_charged_to_the_overloaded_trace_only()
    {
        await using var bed = await TraceBed.StartAsync("tla", 3);
        // A 64-record channel between the ring buffer and the writer: a burst overflows it at once.
        var (quiet, b) = await FloodBusyAsync(bed, 64, Flood);
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

    [KernelFact]
    public async Task With_a_one_record_writer_queue_a_lone_packet_after_a_flood_is_written_although_it_makes_two_records()
    {
        await using var bed = await TraceBed.StartAsync("tl1", 3);
        var (quiet, b) = await FloodBusyAsync(bed, 1, 2000);
        Lost(b, TraceReasons.WriterBehind).ShouldBeGreaterThan(0, "a one-record queue cannot hold the flood");
        var behind = bed.Kernel.WriterBehind;

        using (var cache = await NsUdp.BindAsync(bed.Pod(2).Namespace, bed.Pod(2).Address, 0))
        {
            // The first packet of a flow is two records in one poll's batch (the flow's first packet at the host veth,
            // then its drop): the writer waits idle, one record is its own and the other fits the queue.
            for (var i = 1; i <= 5; i++)
            {
                NsUdp.Send(cache, bed.Pod(1).Address, ClosedPort, 1);
                await bed.WaitAsync(quiet.Key, s => s.Events + Lost(s, TraceReasons.WriterBehind) >= i, $"the quiet trace's drop {i} written or counted lost");
            }
        }

        var q = bed.Status(quiet.Key);
        Lost(q, TraceReasons.WriterBehind).ShouldBe(0, "the writer had caught up before each packet");
        q.Events.ShouldBe(5);
        bed.Kernel.WriterBehind.ShouldBe(behind, "no record of the lone packets was lost, not even one of another kind");
    }
}
