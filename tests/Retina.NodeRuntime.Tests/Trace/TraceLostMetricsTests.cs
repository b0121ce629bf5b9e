using Retina.Api.NodeRuntime;
using Retina.Api.TraceSession;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.NodeRuntime.Trace;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;
using static Retina.NodeRuntime.Tests.Plugins.MetricsText;

namespace Retina.NodeRuntime.Tests.Trace;

/// <summary>
/// The trace program's node-wide losses on the node's /metrics text, as every plugin's: lost_events{type="trace"} with
/// reason ringbuf_full (the kernel's failed reservations) and channel_full (records the writer's queue had no room for).
/// A one-page ring and a one-record queue make a burst overflow both; the trace program is unloaded between two bursts.
/// </summary>
public sealed class TraceLostMetricsTests
{
    private const string LostEvents = "controlplane_networkobservability_lost_events_total";
    private const int DroppedPort = 7200;
    private const int Flood = 6000;

    private static long Lost(NodeTraceStatus s, string reason) => s.LostEventsByReason?.GetValueOrDefault(reason) ?? 0;

    private static long Accounted(NodeTraceStatus s) =>
        (s.Events ?? 0) + Lost(s, TraceReasons.RingBufferFull) + Lost(s, TraceReasons.WriterBehind) + Lost(s, TraceReasons.RateLimited);

    private static double Metric(string text, string reason) => Value(text, LostEvents, ("type", "trace"), ("reason", reason));

    private static async Task<NodeTraceStatus> FloodAsync(TraceBed bed, NodeTraceAssignment trace)
    {
        using (var web = await NsUdp.BindAsync(bed.Pod(0).Namespace, bed.Pod(0).Address, 0))
        {
            NsUdp.Send(web, bed.Pod(1).Address, DroppedPort, Flood);
        }

        return await bed.WaitAsync(trace.Key, s => Accounted(s) >= Flood, $"each of the {Flood} drops of {trace.Name} written or counted lost");
    }

    [KernelFact]
    public async Task Ring_and_writer_losses_of_the_trace_program_are_the_nodes_lost_events_and_outlive_its_unloading()
    {
        await using var bed = await TraceBed.StartAsync("tlm", 2);
        // Pod 1 drops what arrives on the port: each packet sent to it is one drop record, and nothing answers.
        await NetnsPair.ExecAsync(bed.Pod(1).Namespace, "nft", $"add table inet rtest; add chain inet rtest input_rt {{ type filter hook input priority 0; }}; add rule inet rtest input_rt udp dport {DroppedPort} drop");
        await bed.Runner.DisposeAsync();
        bed.NewRunner(ringBufferBytes: 4096, eventChannelCapacity: 1);
        var text = await bed.Metrics.ScrapeAsync();
        Value(text, LostEvents, ("type", "trace")).ShouldBe(0, "nothing lost before any trace ran");

        var first = bed.Assignment("first", [TraceEventKinds.Drop], 0);
        await bed.StartAsync(first);
        var f = await FloodAsync(bed, first);
        var ringFirst = bed.Kernel.RingBufferFull;
        var writerFirst = bed.Kernel.WriterBehind;
        ringFirst.ShouldBeGreaterThan(0, "a one-page ring cannot hold a burst between two polls");
        writerFirst.ShouldBeGreaterThan(0, "a one-record queue cannot hold a poll's batch");
        ringFirst.ShouldBe(Lost(f, TraceReasons.RingBufferFull), "the only trace's pod named every record the kernel had no room for");
        text = await bed.Metrics.ScrapeAsync();
        Metric(text, "ringbuf_full").ShouldBe(ringFirst);
        Metric(text, "channel_full").ShouldBe(writerFirst);

        first.Stop = true;
        await bed.StartAsync(first);
        bed.Status(first.Key).Phase.ShouldBe("Completed");
        bed.Runner.KernelArmed.ShouldBeFalse("the only trace ended: the program and its maps are gone");
        text = await bed.Metrics.ScrapeAsync();
        Metric(text, "ringbuf_full").ShouldBe(ringFirst, "the unloaded program's count stays");
        Metric(text, "channel_full").ShouldBe(writerFirst);
        bed.Kernel.RingBufferFull.ShouldBe(ringFirst);
        bed.Kernel.WriterBehind.ShouldBe(writerFirst);

        var second = bed.Assignment("second", [TraceEventKinds.Drop], 0);
        await bed.StartAsync(first, second);
        bed.Runner.KernelArmed.ShouldBeTrue("loaded again, with maps starting at zero");
        var s = await FloodAsync(bed, second);
        var ringSecond = Lost(s, TraceReasons.RingBufferFull);
        ringSecond.ShouldBeGreaterThan(0);
        bed.Kernel.RingBufferFull.ShouldBe(ringFirst + ringSecond, "the reloaded program's count adds to the first one's");
        bed.Kernel.WriterBehind.ShouldBeGreaterThan(writerFirst);
        text = await bed.Metrics.ScrapeAsync();
        Metric(text, "ringbuf_full").ShouldBe(bed.Kernel.RingBufferFull);
        Metric(text, "channel_full").ShouldBe(bed.Kernel.WriterBehind);
        Value(text, LostEvents, ("type", "trace")).ShouldBe(bed.Kernel.RingBufferFull + bed.Kernel.WriterBehind, "no other loss, none counted twice");
    }
}
