using Retina.Api.NodeRuntime;
using Retina.Api.TraceSession;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.NodeRuntime.Trace;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Trace;

public sealed class TraceRestartTests
{
    [KernelFact]
    public async Task A_runtime_killed_mid_trace_leaves_a_file_zcat_reads_and_the_next_runtime_continues_in_a_new_file_saying_so()
    {
        await using var bed = await TraceBed.StartAsync("trs", 2);
        await NetnsPair.ExecAsync(bed.Pod(1).Namespace, "nft", "add table inet rtest; add chain inet rtest input_rt { type filter hook input priority 0; }; add rule inet rtest input_rt udp dport 7100 drop");
        var a = bed.Assignment("flowlog", [TraceEventKinds.Drop], 0); // no duration: a continuous flow log
        await bed.StartAsync(a);
        using var web = await NsUdp.BindAsync(bed.Pod(0).Namespace, bed.Pod(0).Address, 7101);

        NsUdp.Send(web, bed.Pod(0 + 1).Address, 7100, 6);
        var first = await bed.WaitAsync(a.Key, s => s.Events >= 6, "6 drops written and flushed");
        // More events after the last flush: their gzip member is still open, as at a kill.
        NsUdp.Send(web, bed.Pod(1).Address, 7100, 4);
        await Retina.Testing.Waiting.Until.TrueAsync(() => bed.Status(a.Key).Events >= 10, "4 more written, not flushed");
        var file = first.Artifacts.ShouldHaveSingleItem().Location;
        var zcat = await Shell.RunAsync("zcat", [file]);
        zcat.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(6, "zcat reads every flushed line of a file whose writer died: " + zcat.StdErr);

        // The runtime dies (its last status said Running with 6 events); a new one starts and sees the assignment.
        var reported = new NodeTraceStatus { Key = a.Key, Phase = "Running", StartTime = first.StartTime, Events = 6, EventsByKind = first.EventsByKind, Artifacts = first.Artifacts, TopDropReasons = first.TopDropReasons };
        await bed.Runner.DisposeAsync();
        var runner = bed.NewRunner();
        await runner.ConvergeAsync([a], [reported], CancellationToken.None);
        var restarted = bed.Status(a.Key);
        restarted.Phase.ShouldBe("Running");
        restarted.Reason.ShouldBe(TraceReasons.RuntimeRestarted);
        restarted.Message.ShouldNotBeNull().ShouldContain("restarted");
        restarted.StartTime.ShouldBe(first.StartTime);

        NsUdp.Send(web, bed.Pod(1).Address, 7100, 3);
        var after = await bed.WaitAsync(a.Key, s => s.Events >= 9, "3 drops after the restart");
        after.Events.ShouldBe(9, "the 6 reported before the restart and the 3 after");
        after.Artifacts!.Count.ShouldBe(2, "the file of the killed runtime stays and a new one is written");
        after.Artifacts[0].Location.ShouldBe(file);
        File.Exists(file).ShouldBeTrue();
        TraceBed.ReadGzipLines(after.Artifacts[1].Location).Count.ShouldBe(3);
        after.TopDropReasons!.ShouldHaveSingleItem().Count.ShouldBe(9);
    }
}
