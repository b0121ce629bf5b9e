using Retina.Api.TraceSession;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.NodeRuntime.Trace;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Trace;

public sealed class TraceLimitTests
{
    [KernelFact]
    public async Task MaxEvents_and_maxEventsPerSecond_are_exact_for_two_traces_on_the_same_traffic()
    {
        await using var bed = await TraceBed.StartAsync("tlm", 2);
        await NetnsPair.ExecAsync(bed.Pod(1).Namespace, "nft", "add table inet rtest; add chain inet rtest input_rt { type filter hook input priority 0; }; add rule inet rtest input_rt udp dport 7100 drop");
        var capped = bed.Assignment("capped", [TraceEventKinds.Drop], 0);
        capped.MaxEvents = 7;
        var rated = bed.Assignment("rated", [TraceEventKinds.Drop], 0);
        rated.MaxEventsPerSecond = 5;
        await bed.StartAsync(capped, rated);

        using var web = await NsUdp.BindAsync(bed.Pod(0).Namespace, bed.Pod(0).Address, 7101);
        NsUdp.Send(web, bed.Pod(1).Address, 7100, 30);

        var c = await bed.WaitAsync(capped.Key, s => s.Phase == "Completed", "maxEvents reached");
        c.Events.ShouldBe(7);
        c.Reason.ShouldBe(TraceReasons.MaxEventsReached);
        bed.Lines("capped").Count.ShouldBe(7);

        var r = await bed.WaitAsync(rated.Key, s => s.Events + s.LostEventsByReason![TraceReasons.RateLimited] >= 30, "30 drops written or rate limited");
        (r.Events + r.LostEventsByReason![TraceReasons.RateLimited]).ShouldBe(30);
        var lines = bed.Lines("rated");
        lines.Count.ShouldBe((int)r.Events!.Value);
        var perSecond = lines.GroupBy(l => ((string)l["flow"]!["time"]!)[..19]).Select(g => g.Count()).ToList();
        perSecond.ShouldAllBe(n => n <= 5, "no second wrote more than the limit");
        r.Events!.Value.ShouldBeGreaterThanOrEqualTo(5, "the first second of a burst of 30 writes the limit");
        r.LostEventsByReason[TraceReasons.RingBufferFull].ShouldBe(0);
        FlowLineSchema.ShouldAllMatch(lines);
    }

    [KernelFact]
    public async Task The_first_packet_of_a_UDP_flow_is_one_connect_event_whichever_way_the_flow_goes_after()
    {
        await using var bed = await TraceBed.StartAsync("tud", 2);
        var a = bed.Assignment("udp", [TraceEventKinds.Connect], 1);
        await bed.StartAsync(a);
        using var web = await NsUdp.BindAsync(bed.Pod(0).Namespace, bed.Pod(0).Address, 7301);
        using var db = await NsUdp.BindAsync(bed.Pod(1).Namespace, bed.Pod(1).Address, 7300);
        NsUdp.Send(web, bed.Pod(1).Address, 7300, 5);
        NsUdp.Drain(db, 5, TimeSpan.FromSeconds(5)).ShouldBe(5);
        NsUdp.Send(db, bed.Pod(0).Address, 7301, 3);
        NsUdp.Drain(web, 3, TimeSpan.FromSeconds(5)).ShouldBe(3);
        NsUdp.Send(web, bed.Pod(1).Address, 7300, 2);
        NsUdp.Drain(db, 2, TimeSpan.FromSeconds(5)).ShouldBe(2);

        var status = await bed.WaitAsync(a.Key, s => s.Events >= 1, "the flow's first packet");
        await bed.Runner.TickAsync();
        bed.Status(a.Key).Events.ShouldBe(1);
        var flow = bed.Lines("udp").ShouldHaveSingleItem()["flow"]!;
        ((string?)flow["extensions"]!["connect"]).ShouldBe("udp_first_packet");
        ((string?)flow["source"]!["pod_name"]).ShouldBe("web-1");
        ((string?)flow["destination"]!["pod_name"]).ShouldBe("db-0");
        status.TopTalkers!.ShouldHaveSingleItem().Value.ShouldBe("shop/web-1 -> shop/db-0:7300/udp");
    }
}
