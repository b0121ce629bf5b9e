using Retina.Api.NodeRuntime;
using Retina.Api.TraceSession;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.NodeRuntime.Trace;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Trace;

/// <summary>
/// The kernel ring (shrunk to one page, about 40 records, so a burst overflows it between two polls) fills with one
/// trace's records only: the kernel charges each reservation it could not make to the trace slots of the record's
/// addresses, so only that trace reports RingBufferFull, and every packet it was sent is either an event or a loss.
/// </summary>
public sealed class TraceRingLossAttributionTests
{
    private const uint OnePage = 4096;
    private const int DroppedPort = 7100;

    private static long Lost(NodeTraceStatus s, string reason) => s.LostEventsByReason?.GetValueOrDefault(reason) ?? 0;

    private static long Accounted(NodeTraceStatus s) =>
        (s.Events ?? 0) + Lost(s, TraceReasons.RingBufferFull) + Lost(s, TraceReasons.WriterBehind) + Lost(s, TraceReasons.RateLimited);

    private static async Task<TraceBed> BedAsync(string prefix)
    {
        var bed = await TraceBed.StartAsync(prefix, 3);
        // Pod 1 drops what arrives on the port: each packet sent to it is exactly one drop record, and nothing answers.
        await NetnsPair.ExecAsync(bed.Pod(1).Namespace, "nft", $"add table inet rtest; add chain inet rtest input_rt {{ type filter hook input priority 0; }}; add rule inet rtest input_rt udp dport {DroppedPort} drop");
        await bed.Runner.DisposeAsync();
        bed.NewRunner(ringBufferBytes: OnePage);
        return bed;
    }

    [KernelFact]
    public async Task Ring_full_losses_are_charged_to_the_trace_whose_pods_flooded_the_ring_and_not_to_the_other()
    {
        const int flood = 20000;
        await using var bed = await BedAsync("trl");
        var busy = bed.Assignment("busy", [TraceEventKinds.Drop], 0);
        var quiet = bed.Assignment("quiet", [TraceEventKinds.Drop], 2);
        await bed.StartAsync(busy, quiet);
        bed.Runner.SlotOf(busy.Key).ShouldNotBe(bed.Runner.SlotOf(quiet.Key));

        using (var web = await NsUdp.BindAsync(bed.Pod(0).Namespace, bed.Pod(0).Address, 7101))
        {
            NsUdp.Send(web, bed.Pod(1).Address, DroppedPort, flood);
        }

        var b = await bed.WaitAsync(busy.Key, s => Accounted(s) >= flood, $"each of the {flood} drops written or counted lost");
        Lost(b, TraceReasons.RingBufferFull).ShouldBeGreaterThan(0, "a one-page ring cannot hold a burst between two polls");

        using (var cache = await NsUdp.BindAsync(bed.Pod(2).Namespace, bed.Pod(2).Address, 7102))
        {
            // One at a time, each written before the next is sent: none can find the ring full.
            for (var i = 1; i <= 5; i++)
            {
                NsUdp.Send(cache, bed.Pod(1).Address, DroppedPort, 1);
                await bed.WaitAsync(quiet.Key, s => s.Events >= i, $"the quiet trace's drop {i}");
            }
        }

        var q = bed.Status(quiet.Key);
        q.Events.ShouldBe(5);
        Lost(q, TraceReasons.RingBufferFull).ShouldBe(0, "none of the records the kernel had no room for named the quiet trace's pod");
        Lost(q, TraceReasons.WriterBehind).ShouldBe(0);
        bed.Lines("quiet").Count.ShouldBe(5);

        b = bed.Status(busy.Key);
        Accounted(b).ShouldBe(flood, "every packet is an event or exactly one lost record, never one counted twice");
        bed.Lines("busy").Count.ShouldBe((int)b.Events!.Value);
        bed.Kernel.RingBufferFull.ShouldBe(Lost(b, TraceReasons.RingBufferFull), "the node's count holds the busy trace's losses and no other");
    }

    [KernelFact]
    public async Task A_slot_freed_by_a_finished_trace_starts_at_zero_for_the_trace_that_reuses_it()
    {
        const int firstFlood = 6000;
        const int secondFlood = 4000;
        await using var bed = await BedAsync("trr");
        // The keeper keeps the kernel side armed (its counters are not reloaded) while the first trace ends.
        var keeper = bed.Assignment("keeper", [TraceEventKinds.Drop], 2);
        var first = bed.Assignment("first", [TraceEventKinds.Drop], 0);
        await bed.StartAsync(keeper, first);
        var slot = bed.Runner.SlotOf(first.Key).ShouldNotBeNull();
        using var web = await NsUdp.BindAsync(bed.Pod(0).Namespace, bed.Pod(0).Address, 7101);

        NsUdp.Send(web, bed.Pod(1).Address, DroppedPort, firstFlood);
        var f = await bed.WaitAsync(first.Key, s => Accounted(s) >= firstFlood, "the first flood written or counted lost");
        var firstLost = Lost(f, TraceReasons.RingBufferFull);
        firstLost.ShouldBeGreaterThan(0);

        first.Stop = true;
        await bed.Runner.ConvergeAsync([keeper, first], [], CancellationToken.None);
        (await bed.WaitAsync(first.Key, s => s.Phase == "Completed", "the first trace ends")).Reason.ShouldBe(TraceReasons.Stopped);
        var second = bed.Assignment("second", [TraceEventKinds.Drop], 0);
        await bed.Runner.ConvergeAsync([keeper, first, second], [], CancellationToken.None);
        bed.Runner.SlotOf(second.Key).ShouldBe(slot, "the lowest free slot is the first trace's");
        Lost(bed.Status(second.Key), TraceReasons.RingBufferFull).ShouldBe(0, $"the slot's {firstLost} earlier losses are the first trace's");

        NsUdp.Send(web, bed.Pod(1).Address, DroppedPort, secondFlood);
        var s2 = await bed.WaitAsync(second.Key, s => Accounted(s) >= secondFlood, "the second flood written or counted lost");
        Lost(s2, TraceReasons.RingBufferFull).ShouldBeGreaterThan(0);
        Accounted(s2).ShouldBe(secondFlood, "only the second flood's packets, none of the first's");

        var done = bed.Status(first.Key);
        Lost(done, TraceReasons.RingBufferFull).ShouldBe(firstLost, "a finished trace's count stopped when it ended");
        Accounted(done).ShouldBe(firstFlood);
        Lost(bed.Status(keeper.Key), TraceReasons.RingBufferFull).ShouldBe(0);
        bed.Kernel.RingBufferFull.ShouldBe(firstLost + Lost(s2, TraceReasons.RingBufferFull));
    }
}
