using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Tests.Support;
using Retina.Testing.Waiting;
using CaptureObject = Retina.Api.Capture.Capture;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Tests.Capture;

/// <summary>The controller gives Retina's Capture fields Retina's meaning, and shows every value it chose in status.</summary>
public sealed class RetinaCaptureMeaningTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static Task<NodeRuntimeObject?> Runtime(ControllerHarness h, string node) => h.Client.GetAsync<NodeRuntimeObject>(node, null, None);

    private static Task<CaptureObject?> Get(ControllerHarness h, string ns, string name) => h.Client.GetAsync<CaptureObject>(name, ns, None);

    private static async Task<NodeCaptureAssignment> AssignmentOn(ControllerHarness h, string node) =>
        (await Until.ValueAsync(() => Runtime(h, node), r => r?.Spec.Captures?.Count == 1, $"{node} gets an assignment"))!.Spec.Captures![0];

    private static CaptureObject NoDuration(string name, int? fileCount = null)
    {
        var c = Objects.NodeCapture("default", name);
        c.Spec.CaptureConfiguration.CaptureOption = new CaptureOption { MaxCaptureSize = fileCount is null ? null : 5, FileCount = fileCount };
        return c;
    }

    [Fact]
    public async Task Without_duration_the_node_runs_until_the_size_limit_and_status_says_so()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        await h.Client.CreateAsync(NoDuration("until-size"), None);

        var a = await AssignmentOn(h, "n1");
        a.Duration.ShouldBeNull("no silent 1-minute default");
        a.MaxCaptureSizeMb.ShouldBe(100);
        a.OutputFormat.ShouldBe("pcap");
        var c = await Until.ValueAsync(() => Get(h, "default", "until-size"), x => x?.Status?.EffectiveOptions is not null, "effective options in status");
        var e = c!.Status!.EffectiveOptions!;
        e.Duration.ShouldBeNull();
        e.MaxCaptureSizeMb.ShouldBe(100);
        e.FileCount.ShouldBe(1);
        e.OutputFormat.ShouldBe("pcap");
        e.PacketSize.ShouldBe(262144);
        e.StopsWhen.ShouldStartWith("when the file reaches 100 MB");
    }

    [Fact]
    public async Task With_fileCount_and_no_duration_the_ring_has_maxCaptureSize_per_file_and_runs_until_deleted()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        await h.Client.CreateAsync(NoDuration("ring", fileCount: 10), None);

        var a = await AssignmentOn(h, "n1");
        a.Duration.ShouldBeNull();
        a.MaxCaptureSizeMb.ShouldBe(5, "each file's limit, as Retina's sample says: total = maxCaptureSize x fileCount");
        a.FileCount.ShouldBe(10);
        var c = await Until.ValueAsync(() => Get(h, "default", "ring"), x => x?.Status?.EffectiveOptions is not null, "effective options in status");
        c!.Status!.EffectiveOptions!.StopsWhen!.ShouldContain("when the Capture is deleted (a ring of 10 files of at most 5 MB each, 50 MB in all");

        await h.Client.DeleteAsync<CaptureObject>("ring", "default", None);
        await Until.TrueAsync(async () => ((await Runtime(h, "n1"))!.Spec.Captures ?? []).Count == 0, "deleting the Capture withdraws the ring");
    }

    [Fact]
    public async Task Complete_is_false_with_a_progress_reason_while_running_then_true()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        await h.AddNodeAsync("n2");
        await h.Client.CreateAsync(Objects.NodeCapture("default", "progress"), None);
        var a = await AssignmentOn(h, "n1");
        await AssignmentOn(h, "n2");
        await NodeReports.ReportAsync(h.Client, "n1", new NodeWorkStatus { Key = a.Key, Phase = "Completed" });
        await NodeReports.ReportAsync(h.Client, "n2", new NodeWorkStatus { Key = a.Key, Phase = "Running" });

        var running = await Until.ValueAsync(() => Get(h, "default", "progress"),
            x => Conditions.Find(x?.Status?.Conditions, CaptureReasons.Complete)?.Message == "1/2 nodes finished (Running)", "complete=False says 1/2");
        var complete = Conditions.Find(running!.Status!.Conditions, CaptureReasons.Complete)!;
        complete.Status.ShouldBe(ConditionStatus.False);
        complete.Reason.ShouldBe(CaptureReasons.InProgress);

        await NodeReports.ReportAsync(h.Client, "n2", new NodeWorkStatus { Key = a.Key, Phase = "Completed" });
        var done = await Until.ValueAsync(() => Get(h, "default", "progress"), x => x?.Status?.Phase == CapturePhase.Completed, "completed");
        Conditions.Find(done!.Status!.Conditions, CaptureReasons.Complete)!.Status.ShouldBe(ConditionStatus.True);
    }

    [Fact]
    public async Task Every_node_is_told_the_captures_start_time_which_names_its_artifact()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        await h.AddNodeAsync("n2");
        await h.Client.CreateAsync(Objects.NodeCapture("default", "named"), None);
        var a1 = await AssignmentOn(h, "n1");
        var a2 = await AssignmentOn(h, "n2");

        var c = await Until.ValueAsync(() => Get(h, "default", "named"), x => x?.Status?.StartTime is not null, "start time in status");
        var start = c!.Status!.StartTime!.Value;
        (start.Ticks % TimeSpan.TicksPerSecond).ShouldBe(0, "to the second, as the name holds it");
        a1.StartTime.ShouldBe(start);
        a2.StartTime.ShouldBe(start);
        c.Status.EffectiveOptions!.ArtifactName.ShouldBe($"named-<node>-{start:yyyyMMddHHmmss}UTC");
    }

    [Fact]
    public async Task PodNames_that_name_no_pod_are_named_in_a_condition_at_once()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        await h.AddPodAsync(Objects.Pod("shop", "web-1", "n1", "10.1.0.5"));
        var c = Objects.PodCapture("shop", "names");
        c.Spec.CaptureConfiguration.CaptureTarget = new CaptureTarget { PodNames = ["web-1", "web-404"] };
        await h.Client.CreateAsync(c, None);

        var got = await Until.ValueAsync(() => Get(h, "shop", "names"), x => Conditions.Find(x?.Status?.Conditions, CaptureReasons.PodsNotFound) is not null, "PodsNotFound");
        Conditions.Find(got!.Status!.Conditions, CaptureReasons.PodsNotFound)!.Message!.ShouldContain("web-404");
        got.Status.Phase.ShouldNotBe(CapturePhase.Failed, "web-1 exists and is captured");
        (await AssignmentOn(h, "n1")).PodIps.ShouldBe(["10.1.0.5"]);
    }

    [Fact]
    public async Task PodNames_of_which_none_exists_fail_at_once_as_in_Retina()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        var c = Objects.PodCapture("shop", "none");
        c.Spec.CaptureConfiguration.CaptureTarget = new CaptureTarget { PodNames = ["ghost"] };
        await h.Client.CreateAsync(c, None);

        var failed = await Until.ValueAsync(() => Get(h, "shop", "none"), x => x?.Status?.Phase == CapturePhase.Failed, "failed before its minute is up");
        var error = Conditions.Find(failed!.Status!.Conditions, CaptureReasons.Error)!;
        error.Reason.ShouldBe(CaptureReasons.PodsNotFound);
        error.Message!.ShouldContain("ghost");
    }

    [Fact]
    public async Task A_target_over_the_admins_node_limit_fails_with_TooManyNodes()
    {
        await using var h = await ControllerHarness.StartAsync(o => o.MaxNodesPerCapture = 2);
        await h.AddNodeAsync("n1");
        await h.AddNodeAsync("n2");
        await h.AddNodeAsync("n3");
        await h.Client.CreateAsync(Objects.NodeCapture("default", "wide"), None);

        var failed = await Until.ValueAsync(() => Get(h, "default", "wide"), x => x?.Status?.Phase == CapturePhase.Failed, "failed");
        var error = Conditions.Find(failed!.Status!.Conditions, CaptureReasons.Error)!;
        error.Reason.ShouldBe(CaptureReasons.TooManyNodes);
        error.Message!.ShouldContain("3 nodes, more than the 2");
        foreach (var n in new[] { "n1", "n2", "n3" })
        {
            ((await Runtime(h, n))?.Spec.Captures ?? []).ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task A_runtime_down_longer_than_the_grace_then_a_capture_then_the_runtime_starts_runs_the_capture()
    {
        await using var h = await ControllerHarness.StartAsync(o => o.NodeRuntimeGrace = "1m");
        await h.AddNodeAsync("vm");
        // The previous runtime's last word is far older than the grace and the silence timeout.
        await Until.TrueAsync(async () => await Runtime(h, "vm") is not null, "the controller creates the node's NodeRuntime");
        await NodeReports.HeartbeatAsync(h.Client, "vm", DateTime.UtcNow.AddMinutes(-10));

        await h.Client.CreateAsync(Objects.NodeCapture("default", "after-restart"), None);
        var a = await AssignmentOn(h, "vm");
        a.AssignedAt.ShouldNotBeNull();
        var waiting = await Until.ValueAsync(() => Get(h, "default", "after-restart"),
            x => x?.Status?.Nodes?.SingleOrDefault()?.Reason == CaptureReasons.WaitingForNodeRuntime, "Pending, waiting for the runtime");
        waiting!.Status!.Phase.ShouldBe(CapturePhase.Pending);
        waiting.Status.Nodes![0].Message!.ShouldContain("fails after 1m");

        await NodeReports.ReportAsync(h.Client, "vm", new NodeWorkStatus { Key = a.Key, Phase = "Running" });
        var running = await Until.ValueAsync(() => Get(h, "default", "after-restart"), x => x?.Status?.Phase == CapturePhase.Running, "the started runtime runs it");
        running!.Status!.Failed.ShouldBe(0);
    }

    [Fact]
    public async Task A_runtime_that_never_reports_within_the_grace_fails_the_node_with_the_reason()
    {
        await using var h = await ControllerHarness.StartAsync(o => o.NodeRuntimeGrace = "1s");
        await h.AddNodeAsync("vm");
        await Until.TrueAsync(async () => await Runtime(h, "vm") is not null, "the controller creates the node's NodeRuntime");
        await NodeReports.HeartbeatAsync(h.Client, "vm", DateTime.UtcNow.AddMinutes(-10));
        await h.Client.CreateAsync(Objects.NodeCapture("default", "never"), None);

        var failed = await Until.ValueAsync(() => Get(h, "default", "never"), x => x?.Status?.Phase == CapturePhase.Failed, "failed after the grace");
        var node = failed!.Status!.Nodes!.Single();
        node.Reason.ShouldBe(CaptureReasons.NodeRuntimeSilent);
        node.Message!.ShouldContain("has not reported since the capture was assigned");
    }
}
