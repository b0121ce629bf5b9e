using Retina.Api.NodeRuntime;
using Retina.Api.TraceSession;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.NodeRuntime.Trace;
using Retina.Testing.Kernel;

namespace Retina.NodeRuntime.Tests.Trace;

/// <summary>
/// The node's half of a PersistentVolumeClaim output with the real kernel side: closed files are staged under the
/// capture base and reported until the controllers say they reached the claim (copiedThrough), then deleted; a
/// finished trace is Uploading until the last one is copied; a copy that stopped fails the trace and keeps its files.
/// Every flush rotates here (a megabyte of one byte), so each burst of drops is one closed file.
/// </summary>
public sealed class TracePvcStageTests
{
    private const int ClosedPort = 7402;

    [KernelFact]
    public async Task Closed_files_are_reported_until_copied_then_deleted_and_the_trace_completes_after_its_last_copy()
    {
        await using var bed = await TraceBed.StartAsync("tps", 2);
        await bed.Runner.DisposeAsync();
        bed.NewRunner(bytesPerMegabyte: 1);
        var trace = Pvc(bed.Assignment("flows", [TraceEventKinds.SockError], 0));
        await bed.StartAsync(trace);
        using var web = await NsUdp.BindAsync(bed.Pod(0).Namespace, bed.Pod(0).Address, 0);

        NsUdp.Send(web, bed.Pod(1).Address, ClosedPort, 3);
        await bed.WaitAsync(trace.Key, s => s.Events >= 3 && s.ClosedFiles?.Count == 1, "the first burst's file closes");
        NsUdp.Send(web, bed.Pod(1).Address, ClosedPort, 2);
        var two = await bed.WaitAsync(trace.Key, s => s.Events >= 5 && s.ClosedFiles?.Count == 2, "the second burst's file closes");
        var (first, second) = (two.ClosedFiles![0], two.ClosedFiles[1]);
        Path.GetDirectoryName(first).ShouldBe(Path.Combine(bed.BaseDirectory, ".traces", "shop-flows"), "staged under the capture base");
        two.Phase.ShouldBe("Running");
        TraceBed.ReadGzipLines(first).Count.ShouldBe(3);
        TraceBed.ReadGzipLines(second).Count.ShouldBe(2);

        trace.CopiedThrough = Path.GetFileName(first);
        await bed.StartAsync(trace);
        var after = bed.Status(trace.Key);
        after.ClosedFiles.ShouldBe([second], "the copied file is no longer reported");
        File.Exists(first).ShouldBeFalse("a staged file is deleted once it is in the claim");
        File.Exists(second).ShouldBeTrue();

        trace.Stop = true;
        await bed.StartAsync(trace);
        var waiting = await bed.WaitAsync(trace.Key, s => s.Phase != "Running", "the trace stops");
        waiting.Phase.ShouldBe("Uploading", "finished, but its last files are not in the claim yet");
        waiting.Message!.ShouldContain("waiting for 1 file(s) to be copied to PersistentVolumeClaim flows");
        waiting.ClosedFiles.ShouldBe([second]);

        trace.CopiedThrough = Path.GetFileName(second);
        await bed.StartAsync(trace);
        var done = bed.Status(trace.Key);
        done.Phase.ShouldBe("Completed");
        done.ClosedFiles.ShouldBeNull();
        Directory.GetFiles(Path.GetDirectoryName(first)!).ShouldBeEmpty("every staged file reached the claim");
    }

    [KernelFact]
    public async Task A_stopped_copy_fails_the_finished_trace_and_keeps_its_files_and_rotation_losses_are_said()
    {
        await using var bed = await TraceBed.StartAsync("tpf", 2);
        await bed.Runner.DisposeAsync();
        bed.NewRunner(bytesPerMegabyte: 1);
        var trace = Pvc(bed.Assignment("flows", [TraceEventKinds.SockError], 0));
        trace.FileCount = 2;
        await bed.StartAsync(trace);
        using var web = await NsUdp.BindAsync(bed.Pod(0).Namespace, bed.Pod(0).Address, 0);
        for (var i = 1; i <= 4; i++)
        {
            NsUdp.Send(web, bed.Pod(1).Address, ClosedPort, 1);
            await bed.WaitAsync(trace.Key, s => s.Events >= i, $"drop {i} written and its file closed");
        }

        // Four closed files, at most two kept: the oldest were rotated away before any copy.
        var s = await bed.WaitAsync(trace.Key, s => s.Message?.Contains("deleted by the fileCount rotation") == true, "the rotation losses are said");
        s.Message!.ShouldContain("2 file(s) were deleted by the fileCount rotation before they were copied to PersistentVolumeClaim flows");

        trace.CopyError = "copy Job retina-tcopy-x failed (BackoffLimitExceeded): Job has reached the specified backoff limit";
        await bed.StartAsync(trace);
        var running = bed.Status(trace.Key);
        (running.Phase, running.Reason).ShouldBe(("Running", TraceReasons.CopyFailed), "a running trace goes on writing and says why nothing is copied");
        trace.Stop = true;
        await bed.StartAsync(trace);
        var failed = await bed.WaitAsync(trace.Key, s => s.Phase != "Running", "the trace stops");
        (failed.Phase, failed.Reason).ShouldBe(("Failed", TraceReasons.CopyFailed));
        failed.Message!.ShouldContain("copying to PersistentVolumeClaim flows stopped: copy Job retina-tcopy-x failed");
        Directory.GetFiles(Path.Combine(bed.BaseDirectory, ".traces", "shop-flows")).Length.ShouldBe(2, "the files stay on the node");
    }

    private static NodeTraceAssignment Pvc(NodeTraceAssignment a)
    {
        a.HostPath = null;
        a.PersistentVolumeClaim = "flows";
        a.MaxFileSizeMb = 1;
        return a;
    }
}
