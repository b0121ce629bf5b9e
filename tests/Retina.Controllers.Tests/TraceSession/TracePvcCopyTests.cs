using System.Text.Json.Nodes;
using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Capture;
using Retina.Controllers.Tests.Support;
using Retina.Controllers.TraceSession;
using Retina.Kube.Client;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.Waiting;
using static Retina.Controllers.Tests.TraceSession.TraceBed;
using TraceObject = Retina.Api.TraceSession.TraceSession;

namespace Retina.Controllers.Tests.TraceSession;

/// <summary>
/// A TraceSession's PersistentVolumeClaim output through the fake API: the test plays the node (real files under a
/// capture base, reported as closedFiles); the Job scheduler and a kubelet that runs the copy Job's real <c>cp</c> with
/// the claim as a directory play the cluster; the controllers are ours.
/// </summary>
public sealed class TracePvcCopyTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string root = Directory.CreateTempSubdirectory("retina-trace-pvc-").FullName;

    private string CaptureBase => Path.Combine(root, "captures");

    private Task<ControllerHarness> StartAsync() => ControllerHarness.StartAsync(o =>
    {
        o.TraceStatusInterval = "100ms";
        o.CaptureHostPathBase = CaptureBase;
    });

    [Fact]
    public async Task Closed_files_are_copied_by_a_locked_down_job_on_their_node_and_the_node_is_told_what_reached_the_claim()
    {
        await using var h = await StartAsync();
        await using var scheduler = FakeJobScheduler.Start(h.Client);
        await using var kubelet = FakeCopyPodRunner.Start(h.Client, Path.Combine(root, "claims"));
        await h.AddNodeAsync("n1", new() { [PvcCopyJob.HostnameLabel] = "n1-host" });
        await h.AddPodAsync(Objects.Pod("shop", "web-1", "n1", "10.1.0.5"));
        await CreateClaimAsync(h, "shop", "flows", "ReadWriteOnce");
        var created = await h.Client.CreateAsync(PvcTrace("t", "flows"), None);
        var assignment = await AssignmentOn(h, "n1");
        assignment.PersistentVolumeClaim.ShouldBe("flows");
        assignment.HostPath.ShouldBeNull("the node stages the files under its capture base");

        var f1 = Staged("t-n1-20261201000000UTC.jsonl.gz", "first");
        var f2 = Staged("t-n1-20261201000000UTC-1.jsonl.gz", "second");
        await ReportAsync(h.Client, "n1", Report(assignment.Key, "Running", f1, f2));

        var job = await Until.ValueAsync(() => CopyJobsAsync(h), j => j.Count == 1, "one copy Job for n1's closed files");
        var pod = job[0].Spec.Template.Spec;
        pod.Containers[0].Command.ShouldBe(["cp", "--", $"/source/{Path.GetFileName(f1)}", $"/source/{Path.GetFileName(f2)}", "/destination/"]);
        pod.Volumes.Single(v => v.Name == "source").HostPath.Path.ShouldBe(Path.GetDirectoryName(f1));
        pod.Volumes.Single(v => v.Name == "destination").PersistentVolumeClaim.ClaimName.ShouldBe("flows");
        pod.Containers[0].SecurityContext.Capabilities.Drop.ShouldBe(["ALL"]);
        pod.Containers[0].VolumeMounts.Single(m => m.Name == "source").ReadOnlyProperty.ShouldBe(true);
        pod.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms.Single().MatchExpressions.Single().Values.ShouldBe(["n1-host"]);
        job[0].Metadata.OwnerReferences.Single().ShouldSatisfyAllConditions(o => o.Kind.ShouldBe("TraceSession"), o => o.Uid.ShouldBe(created.Metadata.Uid));

        var copied = await AssignmentOn(h, "n1", a => a.CopiedFiles == 2, "the node is told both files reached the claim");
        copied.CopiedThrough.ShouldBe(Path.GetFileName(f2));
        var claim = kubelet.ClaimDirectory("shop", "flows");
        File.ReadAllText(Path.Combine(claim, Path.GetFileName(f1))).ShouldBe("first");
        File.ReadAllText(Path.Combine(claim, Path.GetFileName(f2))).ShouldBe("second");

        // The node's next report still lags (it lists the first two) and adds the last file as the trace stops.
        var f3 = Staged("t-n1-20261201000105UTC.jsonl.gz", "third");
        await ReportAsync(h.Client, "n1", Report(assignment.Key, "Uploading", f1, f2, f3));
        await AssignmentOn(h, "n1", a => a.CopiedFiles == 3, "the last file is copied, the first two are not copied again");
        (await CopyJobsAsync(h)).Count.ShouldBe(2);
        (await CopyJobsAsync(h)).Last(j => j.Metadata.Annotations[PvcCopyJob.FilesAnnotation] == Path.GetFileName(f3)).ShouldNotBeNull();
        File.ReadAllText(Path.Combine(claim, Path.GetFileName(f3))).ShouldBe("third");
        var uploading = await Get(h, "shop", "t");
        uploading!.Status!.Phase.ShouldBe(CapturePhase.Uploading, "uploading while the node still reports closed files");

        await ReportAsync(h.Client, "n1", Report(assignment.Key, "Completed"));
        var done = await Until.ValueAsync(() => Get(h, "shop", "t"), t => t?.Status?.Phase == CapturePhase.Completed, "completed once every file is in the claim");
        done!.Status!.Nodes!.Single().CopiedFiles.ShouldBe(3);
        var condition = done.Status.Conditions!.Single(c => c.Type == TraceReasons.Copied);
        (condition.Status, condition.Reason).ShouldBe(("True", TraceReasons.AllFilesCopied));
        condition.Message!.ShouldStartWith("3 file(s) copied to PersistentVolumeClaim flows");
        kubelet.Runs.ShouldBe(2);
    }

    [Fact]
    public async Task A_copy_that_fails_stops_copying_from_that_node_and_the_trace_says_why()
    {
        await using var h = await StartAsync();
        await using var scheduler = FakeJobScheduler.Start(h.Client);
        await using var kubelet = FakeCopyPodRunner.Start(h.Client, Path.Combine(root, "claims"));
        await h.AddNodeAsync("n1", new() { [PvcCopyJob.HostnameLabel] = "n1" });
        await h.AddPodAsync(Objects.Pod("shop", "web-1", "n1", "10.1.0.5"));
        await CreateClaimAsync(h, "shop", "flows", "ReadWriteOnce");
        await h.Client.CreateAsync(PvcTrace("t", "flows"), None);
        var assignment = await AssignmentOn(h, "n1");
        var gone = Path.Combine(CaptureBase, ".traces", "shop-t", "t-n1-20261201000000UTC.jsonl.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(gone)!);
        await ReportAsync(h.Client, "n1", Report(assignment.Key, "Running", gone));

        var failed = await AssignmentOn(h, "n1", a => a.CopyError is not null, "the node is told copying stopped");
        failed.CopyError!.ShouldContain("failed (BackoffLimitExceeded): Job has reached the specified backoff limit");
        var later = Staged("t-n1-20261201000200UTC.jsonl.gz", "later");
        await ReportAsync(h.Client, "n1", Report(assignment.Key, "Running", gone, later));
        var trace = await Until.ValueAsync(() => Get(h, "shop", "t"),
            t => t?.Status?.Conditions?.Any(c => c.Type == TraceReasons.Copied && c.Status == "False") == true, "the trace says copying stopped");
        var condition = trace!.Status!.Conditions!.Single(c => c.Type == TraceReasons.Copied);
        condition.Reason.ShouldBe(TraceReasons.CopyFailed);
        condition.Message!.ShouldContain("n1: copy Job retina-tcopy-");
        condition.Message!.ShouldContain("the files stay on the nodes");
        (await CopyJobsAsync(h)).Count.ShouldBe(1, "no copy after one failed for good");
    }

    [Fact]
    public async Task A_reported_path_outside_the_capture_base_is_refused_and_never_mounted()
    {
        await using var h = await StartAsync();
        await h.AddNodeAsync("n1");
        await h.AddPodAsync(Objects.Pod("shop", "web-1", "n1", "10.1.0.5"));
        await CreateClaimAsync(h, "shop", "flows", "ReadWriteMany");
        await h.Client.CreateAsync(PvcTrace("t", "flows"), None);
        var assignment = await AssignmentOn(h, "n1");
        await ReportAsync(h.Client, "n1", Report(assignment.Key, "Running", "/etc/t-n1-20261201000000UTC.jsonl.gz"));

        var refused = await AssignmentOn(h, "n1", a => a.CopyError is not null, "the copy is refused");
        refused.CopyError!.ShouldStartWith("copy refused: reported path \"/etc/t-n1-20261201000000UTC.jsonl.gz\" is not under the capture base");
        (await CopyJobsAsync(h)).ShouldBeEmpty("nothing outside the capture base is ever mounted");
    }

    [Fact]
    public async Task A_read_write_once_claim_takes_one_copy_at_a_time_across_nodes_and_captures()
    {
        await using var h = await StartAsync();
        await using var scheduler = FakeJobScheduler.Start(h.Client);
        await h.AddNodeAsync("n1", new() { [PvcCopyJob.HostnameLabel] = "n1" });
        await h.AddNodeAsync("n2", new() { [PvcCopyJob.HostnameLabel] = "n2" });
        await h.AddPodAsync(Objects.Pod("shop", "web-1", "n1", "10.1.0.5"));
        await h.AddPodAsync(Objects.Pod("shop", "web-2", "n2", "10.1.0.6"));
        await CreateClaimAsync(h, "shop", "flows", "ReadWriteOnce");
        await h.Client.CreateAsync(PvcTrace("t", "flows"), None);
        var a1 = await AssignmentOn(h, "n1");
        await AssignmentOn(h, "n2");
        await ReportAsync(h.Client, "n1", Report(a1.Key, "Running", Staged("t-n1-20261201000000UTC.jsonl.gz", "n1")));
        await ReportAsync(h.Client, "n2", Report(a1.Key, "Running", Staged("t-n2-20261201000000UTC.jsonl.gz", "n2")));

        var waiting = await Until.ValueAsync(() => Get(h, "shop", "t"),
            t => t?.Status?.Conditions?.Any(c => c.Type == TraceReasons.Copied && c.Reason == CaptureReasons.WaitingForClaim) == true, "the second node's copy waits for the claim");
        waiting!.Status!.Conditions!.Single(c => c.Type == TraceReasons.Copied).Message!.ShouldContain("n2: waiting: PersistentVolumeClaim flows is ReadWriteOnce");
        var jobs = await CopyJobsAsync(h);
        jobs.Count.ShouldBe(1, "one copy Job at a time on a ReadWriteOnce claim");
        await h.Client.PatchStatusAsync<V1Job>(jobs[0].Metadata.Name, "shop", KubePatch.Merge(new JsonObject { ["status"] = new JsonObject { ["succeeded"] = 1 } }), None);
        await Until.ValueAsync(() => CopyJobsAsync(h), j => j.Count == 2, "the second copy starts once the first is done");
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static TraceObject PvcTrace(string name, string claim)
    {
        var t = PodTrace("shop", name, duration: null);
        t.Spec.OutputConfiguration = new OutputConfiguration { PersistentVolumeClaim = claim };
        return t;
    }

    private string Staged(string name, string content)
    {
        var path = Path.Combine(CaptureBase, ".traces", "shop-t", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    private static NodeTraceStatus Report(string key, string phase, params string[] closed) =>
        new() { Key = key, Phase = phase, Events = 0, ClosedFiles = closed.Length > 0 ? [.. closed] : null };

    private static async Task<List<V1Job>> CopyJobsAsync(ControllerHarness h) =>
        [.. (await h.Client.ListAsync<V1Job>(new ListOptions { Namespace = "shop" }, None)).Items
            .Where(j => j.Metadata.Labels?.ContainsKey(PvcCopyJob.TraceUidLabel) == true).OrderBy(j => j.Metadata.CreationTimestamp).ThenBy(j => j.Metadata.ResourceVersion)];

    private static async Task CreateClaimAsync(ControllerHarness h, string ns, string name, string mode)
    {
        await h.Client.CreateAsync(new V1PersistentVolumeClaim
        {
            ApiVersion = "v1", Kind = "PersistentVolumeClaim",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = new V1PersistentVolumeClaimSpec { AccessModes = [mode] },
        }, None);
        await h.Client.PatchStatusAsync<V1PersistentVolumeClaim>(name, ns, KubePatch.Merge(new JsonObject { ["status"] = new JsonObject { ["phase"] = "Bound" } }), None);
    }
}
