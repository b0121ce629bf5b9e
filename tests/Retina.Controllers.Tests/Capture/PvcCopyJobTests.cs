using System.Text.Json.Nodes;
using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Capture;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Client;
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
        await h.AddNodeAsync("n1");
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
        pod.NodeName.ShouldBe("n1");
        pod.Containers[0].Command.ShouldBe(["cp", "--", "/source/pvc-n1-20261125010203UTC.tar.gz", "/destination/pvc-n1-20261125010203UTC.tar.gz"]);
        pod.Containers[0].SecurityContext.AllowPrivilegeEscalation.ShouldBe(false);
        pod.Containers[0].SecurityContext.Capabilities.Drop.ShouldBe(["ALL"]);
        pod.Containers[0].VolumeMounts.Single(m => m.Name == "source").ReadOnlyProperty.ShouldBe(true);
        pod.Volumes.Single(v => v.Name == "source").HostPath.Path.ShouldBe($"/var/log/retina/captures/pvc-staging/{created.Metadata.Uid}");
        pod.Volumes.Single(v => v.Name == "destination").PersistentVolumeClaim.ClaimName.ShouldBe("capture-store");
        job.Metadata.OwnerReferences.Single().Uid.ShouldBe(created.Metadata.Uid);

        await Until.ValueAsync(() => h.Client.GetAsync<CaptureObject>("pvc", "shop", None), x => x?.Status?.Phase == CapturePhase.Uploading, "uploading while the Job runs");

        await h.Client.PatchStatusAsync<V1Job>(job.Metadata.Name, "shop", KubePatch.Merge(new JsonObject { ["status"] = new JsonObject { ["succeeded"] = 1 } }), None);
        var done = await Until.ValueAsync(() => h.Client.GetAsync<CaptureObject>("pvc", "shop", None), x => x?.Status?.Phase == CapturePhase.Completed, "completed once the copy succeeded");
        done!.Status!.Artifacts!.ShouldContain(a => a.Output == "persistentVolumeClaim" && a.Location == "pvc://capture-store/pvc-n1-20261125010203UTC.tar.gz");
    }
}
