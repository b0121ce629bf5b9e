using Retina.Api.TraceSession;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.Testing.Kernel;

namespace Retina.NodeRuntime.Tests.Trace;

/// <summary>
/// A trace already running on a node follows its assignment's pod addresses: a pod that starts later (a new address
/// from the controller) is traced from then on, in the kernel's map and in the writer; a pod that went is not.
/// </summary>
public sealed class TracePodsJoinTests
{
    private const int ClosedPort = 7401;

    [KernelFact]
    public async Task A_pod_added_to_a_running_trace_is_traced_and_a_removed_one_is_not()
    {
        await using var bed = await TraceBed.StartAsync("tpj", 3);
        var trace = bed.Assignment("join", [TraceEventKinds.SockError], 0);
        await bed.StartAsync(trace);

        using var web = await NsUdp.BindAsync(bed.Pod(0).Namespace, bed.Pod(0).Address, 0);
        using var cache = await NsUdp.BindAsync(bed.Pod(2).Namespace, bed.Pod(2).Address, 0);
        NsUdp.Send(cache, bed.Pod(1).Address, ClosedPort, 4);
        NsUdp.Send(web, bed.Pod(1).Address, ClosedPort, 3);
        await bed.WaitAsync(trace.Key, s => s.Events >= 3, "web-1's three drops");

        // cache-0 starts being a target: the controller adds its address to the running trace's assignment.
        trace.PodIps = [bed.Pod(0).Address, bed.Pod(2).Address];
        await bed.StartAsync(trace);
        NsUdp.Send(cache, bed.Pod(1).Address, ClosedPort, 5);
        await bed.WaitAsync(trace.Key, s => s.Events >= 8, "cache-0's five drops once it joined");

        // web-1 went: only cache-0 is left; web-1's drops sent first, then one of cache-0's as a marker.
        trace.PodIps = [bed.Pod(2).Address];
        await bed.StartAsync(trace);
        NsUdp.Send(web, bed.Pod(1).Address, ClosedPort, 6);
        NsUdp.Send(cache, bed.Pod(1).Address, ClosedPort, 1);
        var s = await bed.WaitAsync(trace.Key, s => s.Events >= 9, "cache-0's marker drop");

        s.Events.ShouldBe(9, "3 of web-1 while traced, 5 + 1 of cache-0 once it joined; none before it joined, none of web-1 after it left");
        var sources = bed.Lines("join").Select(l => l["flow"]!["source"]!["pod_name"]!.GetValue<string>()).ToList();
        sources.ShouldBe([.. Enumerable.Repeat(TraceBed.PodNames[0], 3), .. Enumerable.Repeat(TraceBed.PodNames[2], 6)]);
    }
}
