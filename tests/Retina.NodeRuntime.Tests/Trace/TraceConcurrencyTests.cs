using Retina.Api.NodeRuntime;
using Retina.Api.TraceSession;
using Retina.NodeRuntime.Trace;
using Retina.Testing.Kernel;

namespace Retina.NodeRuntime.Tests.Trace;

public sealed class TraceConcurrencyTests
{
    [KernelFact]
    public async Task Past_MaxConcurrentTraces_a_trace_waits_as_Queued_and_starts_when_a_running_one_ends()
    {
        await using var bed = await TraceBed.StartAsync("tcc", 1);
        await bed.Runner.DisposeAsync();
        bed.NewRunner(maxConcurrent: 1);
        var first = bed.Assignment("first", [TraceEventKinds.Drop], 0);
        var second = bed.Assignment("second", [TraceEventKinds.Drop], 0);
        var third = bed.Assignment("third", [TraceEventKinds.Drop], 0);
        await bed.StartAsync(first, second, third);

        bed.Status(first.Key).Phase.ShouldBe("Running");
        foreach (var waiting in new[] { second, third })
        {
            var s = bed.Status(waiting.Key);
            s.Phase.ShouldBe("Pending");
            s.Reason.ShouldBe(TraceReasons.Queued);
            s.Message!.ShouldContain("maximum of 1 concurrent traces (MaxConcurrentTraces)");
        }

        // The third is withdrawn while it waits: it ends without having traced. The first ends: its slot goes to the second.
        third.Stop = true;
        first.Stop = true;
        await bed.StartAsync(first, second, third);
        (await bed.WaitAsync(first.Key, s => s.Phase == "Completed", "the first trace ends")).Reason.ShouldBe(TraceReasons.Stopped);
        bed.Status(third.Key).ShouldSatisfyAllConditions(
            s => s.Phase.ShouldBe("Completed"),
            s => s.Reason.ShouldBe(TraceReasons.Stopped),
            s => s.Events.ShouldBe(0));
        bed.Status(second.Key).Phase.ShouldBe("Running");
        bed.Runner.Active.ShouldBe(1);
        Directory.Exists(bed.TraceDirectory("third")).ShouldBeFalse();
    }
}
