using Retina.Api.TraceSession;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.NodeRuntime.Trace;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Trace;

public sealed class TraceDropTests
{
    [KernelFact]
    public async Task An_nft_drop_names_NETFILTER_DROP_and_both_pods_exactly_and_untraced_pods_are_absent()
    {
        await using var bed = await TraceBed.StartAsync("tdr", 3);
        await NetnsPair.ExecAsync(bed.Pod(1).Namespace, "nft", "add table inet rtest; add chain inet rtest input_rt { type filter hook input priority 0; }; add rule inet rtest input_rt udp dport 7100 drop");
        var a = bed.Assignment("drops", [TraceEventKinds.Drop, TraceEventKinds.SockError], 0);
        await bed.StartAsync(a);

        using var web = await NsUdp.BindAsync(bed.Pod(0).Namespace, bed.Pod(0).Address, 7101);
        using var other = await NsUdp.BindAsync(bed.Pod(2).Namespace, bed.Pod(2).Address, 7102);
        NsUdp.Send(other, bed.Pod(1).Address, 7100, 10); // neither end traced
        NsUdp.Send(web, bed.Pod(1).Address, 7100, 25);
        NsUdp.Send(web, bed.Pod(1).Address, 7200, 15); // no listener: NO_SOCKET

        var status = await bed.WaitAsync(a.Key, s => s.Events >= 40, "40 drops of web-1 traced");
        status.Phase.ShouldBe("Running");
        status.EventsByKind![TraceEventKinds.Drop].ShouldBe(25);
        status.EventsByKind[TraceEventKinds.SockError].ShouldBe(15);
        var top = status.TopDropReasons!;
        top[0].Value.ShouldBe("NETFILTER_DROP");
        top[0].Count.ShouldBe(25);
        top[0].Pods!.ShouldBe([TraceBed.PodKey(0), TraceBed.PodKey(1)], ignoreOrder: true);
        top[1].Value.ShouldBe("NO_SOCKET");
        top[1].Count.ShouldBe(15);

        var lines = bed.Lines("drops");
        lines.Count.ShouldBe(40);
        FlowLineSchema.ShouldAllMatch(lines);
        var netfilter = lines.Where(l => (string?)l["flow"]!["drop_reason_desc"] == "NETFILTER_DROP").ToList();
        netfilter.Count.ShouldBe(25);
        foreach (var l in netfilter)
        {
            var flow = l["flow"]!;
            ((string?)flow["verdict"]).ShouldBe("DROPPED");
            ((string?)flow["source"]!["pod_name"]).ShouldBe("web-1");
            ((string?)flow["source"]!["namespace"]).ShouldBe("shop");
            ((string?)flow["source"]!["workloads"]![0]!["name"]).ShouldBe("web");
            ((string?)flow["destination"]!["pod_name"]).ShouldBe("db-0");
            flow["source"]!["labels"]!.AsArray().Select(x => (string?)x).ShouldBe(["k8s:app=web", "k8s:pod-template-hash=7d9f8c6b5", "k8s:io.kubernetes.pod.namespace=shop"]);
            flow["destination"]!["labels"]!.AsArray().Select(x => (string?)x).ShouldBe(["k8s:app=db", "k8s:io.kubernetes.pod.namespace=shop"]);
            ((string?)flow["IP"]!["source"]).ShouldBe(bed.Pod(0).Address);
            ((int?)flow["l4"]!["UDP"]!["destination_port"]).ShouldBe(7100);
            ((string?)flow["extensions"]!["event_kind"]).ShouldBe(TraceEventKinds.Drop);
        }

        lines.ShouldNotContain(l => (string?)l["flow"]!["IP"]!["source"] == bed.Pod(2).Address, "cache-0 is not traced");
        lines.Where(l => (string?)l["flow"]!["extensions"]!["event_kind"] == TraceEventKinds.SockError)
            .ShouldAllBe(l => (string?)l["flow"]!["drop_reason_desc"] == "NO_SOCKET");
    }

    [KernelFact]
    public async Task An_idle_node_carries_no_trace_program_and_the_last_trace_ending_detaches_it()
    {
        await using var bed = await TraceBed.StartAsync("tid", 1);
        var a = bed.Assignment("idle", [TraceEventKinds.Drop], 0);
        await bed.Runner.ConvergeAsync([], [], CancellationToken.None);
        bed.Runner.Active.ShouldBe(0);
        bed.Runner.KernelArmed.ShouldBeFalse("no trace assigned: nothing attached");

        await bed.StartAsync(a);
        bed.Runner.Active.ShouldBe(1);
        bed.Runner.KernelArmed.ShouldBeTrue();
        a.Stop = true;
        await bed.StartAsync(a);
        var status = bed.Status(a.Key);
        status.Phase.ShouldBe("Completed");
        status.Reason.ShouldBe(TraceReasons.Stopped);
        bed.Runner.Active.ShouldBe(0);
        bed.Runner.KernelArmed.ShouldBeFalse("the last trace stopped: every hook detached");
    }
}
