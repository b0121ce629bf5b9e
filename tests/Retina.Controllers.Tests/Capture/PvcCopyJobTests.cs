using System.Text.Json.Nodes;
using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Capture;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Client;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.Waiting;
using CaptureObject = Retina.Api.Capture.Capture;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Tests.Capture;

public sealed class PvcCopyJobTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_pvc_output_is_delivered_by_a_locked_down_copy_job_on_the_node_that_captured()
    {
        await using var h = await ControllerHarness.StartAsync();
        await using var scheduler = FakeJobScheduler.Start(h.Client);
        await h.AddNodeAsync("n1", new() { [PvcCopyJob.HostnameLabel] = "n1-host" });
        await CreateClaimAsync(h, "shop", "capture-store", "ReadWriteOnce", bound: false);
        var c = Objects.NodeCapture("shop", "pvc");
        c.Spec.OutputConfiguration.HostPath = null;
        c.Spec.OutputConfiguration.PersistentVolumeClaim = "capture-store";
        var created = await h.Client.CreateAsync(c, None);

        var runtime = await Until.ValueAsync(() => h.Client.GetAsync<NodeRuntimeObject>("n1", null, None), r => r?.Spec.Captures?.Count == 1, "n1 is assigned");
        var assignment = runtime!.Spec.Captures![0];
        assignment.HostPath.ShouldBe($"pvc-staging/{created.Metadata.Uid}", "the node stages the tarball on its disk for the copy Job");

        var source = $"/var/log/retina/captures/pvc-staging/{created.Metadata.Uid}/pvc-n1-20261125010203UTC.tar.gz";
        await NodeReports.ReportAsync(h.Client, "n1", new NodeWorkStatus
        {
            Key = assignment.Key,
            Phase = "Completed",
            Artifacts = [new Api.Capture.CaptureArtifact { Node = "n1", Output = "hostPath", Location = source }],
        });

        V1Job? job;
        try
        {
            job = await Until.ValueAsync(() => h.Client.GetAsync<V1Job>(PvcCopyJob.Name(created, "n1"), "shop", None), j => j is not null, "the copy Job exists");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "; capture: " + System.Text.Json.JsonSerializer.Serialize(await h.Client.GetAsync<CaptureObject>("pvc", "shop", None))
                + "; runtime: " + System.Text.Json.JsonSerializer.Serialize(await h.Client.GetAsync<NodeRuntimeObject>("n1", null, None)));
        }

        var pod = job!.Spec.Template.Spec;
        pod.NodeName.ShouldBeNull("nodeName skips the scheduler, and a WaitForFirstConsumer claim then never binds");
        var term = pod.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms.Single().MatchExpressions.Single();
        (term.Key, term.OperatorProperty, term.Values.Single()).ShouldBe((PvcCopyJob.HostnameLabel, "In", "n1-host"), "the node's hostname label, not its name");
        pod.Containers[0].Command.ShouldBe(["cp", "--", "/source/pvc-n1-20261125010203UTC.tar.gz", "/destination/pvc-n1-20261125010203UTC.tar.gz"]);
        pod.Containers[0].SecurityContext.AllowPrivilegeEscalation.ShouldBe(false);
        pod.Containers[0].SecurityContext.Capabilities.Drop.ShouldBe(["ALL"]);
        pod.Containers[0].VolumeMounts.Single(m => m.Name == "source").ReadOnlyProperty.ShouldBe(true);
        pod.Volumes.Single(v => v.Name == "source").HostPath.Path.ShouldBe($"/var/log/retina/captures/pvc-staging/{created.Metadata.Uid}");
        pod.Volumes.Single(v => v.Name == "destination").PersistentVolumeClaim.ClaimName.ShouldBe("capture-store");
        job.Metadata.OwnerReferences.Single().Uid.ShouldBe(created.Metadata.Uid);

        await Until.ValueAsync(() => h.Client.GetAsync<CaptureObject>("pvc", "shop", None), x => x?.Status?.Phase == CapturePhase.Uploading, "uploading while the Job runs");
        var copyPod = await Until.ValueAsync(() => h.Client.GetAsync<V1Pod>(job.Metadata.Name + "-copy0", "shop", None), p => p?.Spec.NodeName is not null, "the scheduler places the copy pod");
        copyPod!.Spec.NodeName.ShouldBe("n1");
        var claim = await Until.ValueAsync(() => h.Client.GetAsync<V1PersistentVolumeClaim>("capture-store", "shop", None), x => x?.Status?.Phase == "Bound", "the WaitForFirstConsumer claim binds once its consumer is scheduled");
        claim!.Metadata.Annotations[FakeJobScheduler.SelectedNodeAnnotation].ShouldBe("n1");

        await h.Client.PatchStatusAsync<V1Job>(job.Metadata.Name, "shop", KubePatch.Merge(new JsonObject { ["status"] = new JsonObject { ["succeeded"] = 1 } }), None);
        var done = await Until.ValueAsync(() => h.Client.GetAsync<CaptureObject>("pvc", "shop", None), x => x?.Status?.Phase == CapturePhase.Completed, "completed once the copy succeeded");
        done!.Status!.Artifacts!.ShouldContain(a => a.Output == "persistentVolumeClaim" && a.Location == "pvc://capture-store/pvc-n1-20261125010203UTC.tar.gz");
    }

    [Fact]
    public void Labels_stay_valid_for_a_253_character_node_name_and_the_annotations_keep_the_full_names()
    {
        var node = string.Join('.', Enumerable.Repeat(new string('a', 62), 5))[..253];
        var c = Objects.NodeCapture("shop", "pvc");
        c.Metadata.Uid = Guid.NewGuid().ToString();
        c.Spec.OutputConfiguration.PersistentVolumeClaim = new string('c', 253);
        var job = PvcCopyJob.Build(c, node, node[..63], "/var/log/retina/captures/x/a.tar.gz", "busybox");

        var labelValue = new System.Text.RegularExpressions.Regex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
        foreach (var (key, value) in job.Metadata.Labels.Concat(job.Spec.Template.Metadata.Labels))
        {
            value.Length.ShouldBeLessThanOrEqualTo(63, key);
            labelValue.IsMatch(value).ShouldBeTrue(key);
        }

        job.Metadata.Annotations[PvcCopyJob.NodeAnnotation].ShouldBe(node);
        job.Metadata.Annotations[PvcCopyJob.ClaimAnnotation].ShouldBe(c.Spec.OutputConfiguration.PersistentVolumeClaim);
        job.Metadata.Name.Length.ShouldBeLessThanOrEqualTo(63, "a Job's name becomes its pods' job-name label");
        PvcCopyJob.Name(c, node).ShouldNotBe(PvcCopyJob.Name(c, node[..252] + "b"));
    }

    [Fact]
    public async Task A_copy_job_whose_pod_never_schedules_stays_pending_and_the_capture_says_why()
    {
        await using var h = await ControllerHarness.StartAsync();
        await using var scheduler = FakeJobScheduler.Start(h.Client);
        await h.AddNodeAsync("n1", new() { [PvcCopyJob.HostnameLabel] = "n1" });
        await h.AddNodeAsync("n2", new() { [PvcCopyJob.HostnameLabel] = "n2" });
        await CreateClaimAsync(h, "shop", "zonal", "ReadWriteOnce", bound: true, selectedNode: "n2");
        var created = await CreatePvcCaptureAsync(h, "stuck", "zonal", new() { ["kubernetes.io/hostname"] = "n1" });
        await FinishOnAsync(h, created, "n1");

        var stuck = await Until.ValueAsync(() => h.Client.GetAsync<CaptureObject>("stuck", "shop", None),
            x => Api.Common.Conditions.Find(x?.Status?.Conditions, CaptureReasons.CopyPending)?.Status == "True", "the Capture says the copy cannot start");
        var condition = Api.Common.Conditions.Find(stuck!.Status!.Conditions, CaptureReasons.CopyPending)!;
        condition.Reason.ShouldBe(CaptureReasons.CopyUnschedulable);
        condition.Message!.ShouldContain("0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had volume node affinity conflict.");
        stuck.Status.Phase.ShouldBe(CapturePhase.Uploading, "pending, not failed: the pod may still schedule");
        stuck.Status.Nodes!.Single(n => n.Node == "n1").Message!.ShouldContain("cannot start");
        var job = await h.Client.GetAsync<V1Job>(PvcCopyJob.Name(created, "n1"), "shop", None);
        job!.Status.Active.ShouldBe(1);
        job.Status.Succeeded.ShouldBeNull();
    }

    [Theory]
    [InlineData("ReadWriteOnce", 1)]
    [InlineData("ReadWriteMany", 2)]
    public async Task A_read_write_once_claim_gets_one_copy_at_a_time_and_a_shared_one_all_at_once(string mode, int concurrent)
    {
        await using var h = await ControllerHarness.StartAsync();
        await using var scheduler = FakeJobScheduler.Start(h.Client);
        await h.AddNodeAsync("n1", new() { [PvcCopyJob.HostnameLabel] = "n1", ["pool"] = "a" });
        await h.AddNodeAsync("n2", new() { [PvcCopyJob.HostnameLabel] = "n2", ["pool"] = "a" });
        await CreateClaimAsync(h, "shop", "store", mode, bound: true);
        var created = await CreatePvcCaptureAsync(h, "two", "store", new() { ["pool"] = "a" });
        await FinishOnAsync(h, created, "n1", "n2");

        var jobs = await Until.ValueAsync(() => CopyJobsAsync(h), j => j.Count == concurrent, $"{concurrent} copy Job(s) at once");
        if (concurrent == 1)
        {
            var waiting = await Until.ValueAsync(() => h.Client.GetAsync<CaptureObject>("two", "shop", None),
                x => Api.Common.Conditions.Find(x?.Status?.Conditions, CaptureReasons.CopyPending)?.Reason == CaptureReasons.WaitingForClaim, "the second copy waits for the claim");
            Api.Common.Conditions.Find(waiting!.Status!.Conditions, CaptureReasons.CopyPending)!.Message!.ShouldContain("n2: waiting: PersistentVolumeClaim store is ReadWriteOnce");
            (await CopyJobsAsync(h)).Count.ShouldBe(1, "still one while the first runs");
            await SucceedAsync(h, jobs[0]);
            jobs = await Until.ValueAsync(() => CopyJobsAsync(h), j => j.Count == 2, "the second copy starts once the first is done");
        }

        foreach (var job in jobs.Where(j => j.Status?.Succeeded is null))
        {
            await SucceedAsync(h, job);
        }

        var done = await Until.ValueAsync(() => h.Client.GetAsync<CaptureObject>("two", "shop", None), x => x?.Status?.Phase == CapturePhase.Completed, "both copies delivered");
        done!.Status!.Artifacts!.Count(a => a.Output == "persistentVolumeClaim").ShouldBe(2);
    }

    /// <summary>A claim as a cluster has it: created (the server drops status on create), then its phase from the PV controller.</summary>
    private static async Task CreateClaimAsync(ControllerHarness h, string ns, string name, string mode, bool bound, string? selectedNode = null)
    {
        await h.Client.CreateAsync(new V1PersistentVolumeClaim
        {
            ApiVersion = "v1",
            Kind = "PersistentVolumeClaim",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = ns,
                Annotations = selectedNode is null ? null : new Dictionary<string, string> { [FakeJobScheduler.SelectedNodeAnnotation] = selectedNode },
            },
            Spec = new V1PersistentVolumeClaimSpec { AccessModes = [mode] },
        }, None);
        await h.Client.PatchStatusAsync<V1PersistentVolumeClaim>(name, ns, KubePatch.Merge(new JsonObject { ["status"] = new JsonObject { ["phase"] = bound ? "Bound" : "Pending" } }), None);
    }

    private static async Task<CaptureObject> CreatePvcCaptureAsync(ControllerHarness h, string name, string claim, Dictionary<string, string> nodeLabels)
    {
        var c = Objects.NodeCapture("shop", name, nodeLabels: nodeLabels);
        c.Spec.OutputConfiguration.HostPath = null;
        c.Spec.OutputConfiguration.PersistentVolumeClaim = claim;
        return await h.Client.CreateAsync(c, None);
    }

    private static async Task FinishOnAsync(ControllerHarness h, CaptureObject created, params string[] nodes)
    {
        foreach (var node in nodes)
        {
            var runtime = await Until.ValueAsync(() => h.Client.GetAsync<NodeRuntimeObject>(node, null, None), r => r?.Spec.Captures?.Count == 1, $"{node} is assigned");
            await NodeReports.ReportAsync(h.Client, node, new NodeWorkStatus
            {
                Key = runtime!.Spec.Captures![0].Key,
                Phase = "Completed",
                Artifacts = [new Api.Capture.CaptureArtifact { Node = node, Output = "hostPath", Location = $"/var/log/retina/captures/pvc-staging/{created.Metadata.Uid}/{created.Metadata.Name}-{node}-20261125010203UTC.tar.gz" }],
            });
        }
    }

    private static async Task<List<V1Job>> CopyJobsAsync(ControllerHarness h) =>
        [.. (await h.Client.ListAsync<V1Job>(new ListOptions { Namespace = "shop" }, None)).Items.OrderBy(j => j.Metadata.Name, StringComparer.Ordinal)];

    private static Task SucceedAsync(ControllerHarness h, V1Job job) =>
        h.Client.PatchStatusAsync<V1Job>(job.Metadata.Name, "shop", KubePatch.Merge(new JsonObject { ["status"] = new JsonObject { ["succeeded"] = 1, ["active"] = 0 } }), None);
}
