using Retina.Api.TraceSession;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Trace;

/// <summary>
/// An iptables NFQUEUE rule with no listener on its queue: the kernel frees each packet in nf_queue, and the trace
/// reports it as an nfqueue event with both pods (what <c>kubectl retina bpftrace</c> shows as an nfqueue drop).
/// </summary>
public sealed class TraceNfQueueTests
{
    [KernelFact]
    public async Task Packets_queued_to_an_NFQUEUE_nobody_listens_on_are_nfqueue_events_of_both_pods()
    {
        await using var bed = await TraceBed.StartAsync("tnq", 2);
        await NetnsPair.ExecAsync(bed.Pod(1).Namespace, "iptables", "-A", "INPUT", "-p", "udp", "--dport", "7500", "-j", "NFQUEUE", "--queue-num", "7");
        var a = bed.Assignment("queued", [TraceEventKinds.NfQueue, TraceEventKinds.Drop], 0);
        await bed.StartAsync(a);

        using var web = await NsUdp.BindAsync(bed.Pod(0).Namespace, bed.Pod(0).Address, 7501);
        NsUdp.Send(web, bed.Pod(1).Address, 7500, 12);

        var status = await bed.WaitAsync(a.Key, s => s.Events >= 12, "12 queued packets traced");
        status.EventsByKind![TraceEventKinds.NfQueue].ShouldBe(12);
        status.EventsByKind.GetValueOrDefault(TraceEventKinds.Drop).ShouldBe(0);
        var lines = bed.Lines("queued");
        lines.Count.ShouldBe(12);
        FlowLineSchema.ShouldAllMatch(lines);
        foreach (var l in lines)
        {
            var flow = l["flow"]!;
            ((string?)flow["verdict"]).ShouldBe("DROPPED");
            ((string?)flow["extensions"]!["event_kind"]).ShouldBe(TraceEventKinds.NfQueue);
            ((string?)flow["source"]!["pod_name"]).ShouldBe("web-1");
            ((string?)flow["destination"]!["pod_name"]).ShouldBe("db-0");
            ((int?)flow["l4"]!["UDP"]!["destination_port"]).ShouldBe(7500);
        }
    }
}
