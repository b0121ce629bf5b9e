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

namespace Retina.Controllers.Tests.Privilege;

/// <summary>The PVC copy Job mounts only a directory under the node's capture base, whatever the node reports.</summary>
public sealed class PvcCopyPathTests
{
    private const string Base = "/var/log/retina/captures";
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [InlineData("/var/log/retina/captures/pvc-staging/u1/c-n1.tar.gz", null)]
    [InlineData("/var/log/retina/captures/team/out/c-n1.tar.gz", null)]
    [InlineData("pvc-staging/u1/c-n1.tar.gz", "is not absolute")]
    [InlineData("/var/log/retina/captures/pvc-staging/../../../../etc/shadow", "segments")]
    [InlineData("/var/log/retina/captures/./pvc-staging/c.tar.gz", "segments")]
    [InlineData("/var/log/retina/captures//c.tar.gz", "segments")]
    [InlineData("/etc/kubernetes/admin.conf", "is not under the capture base /var/log/retina/captures")]
    [InlineData("/var/log/retina/captures-other/x/c.tar.gz", "is not under the capture base")]
    [InlineData("/var/log/retina/captures/c.tar.gz", "is not under the capture base")]
    [InlineData("/var/log/retina/captures/a\nb/c.tar.gz", "control characters")]
    public void A_reported_path_is_accepted_only_strictly_under_the_capture_base(string location, string? refusal)
    {
        var why = PvcCopyJob.SourceRefusal(location, Base);
        if (refusal is null)
        {
            why.ShouldBeNull();
        }
        else
        {
            why.ShouldNotBeNull().ShouldContain(refusal);
        }
    }

    [Fact]
    public void The_copy_pod_runs_under_RuntimeDefault_without_privilege_escalation()
    {
        var capture = Objects.NodeCapture("shop", "c");
        capture.Metadata.Uid = "0123456789abcdef";
        capture.Spec.OutputConfiguration.PersistentVolumeClaim = "store";
        var pod = PvcCopyJob.Build(capture, "n1", "n1", Base + "/pvc-staging/u/c.tar.gz", "busybox:1.36.1").Spec.Template.Spec;
        pod.SecurityContext.SeccompProfile.Type.ShouldBe("RuntimeDefault");
        pod.SecurityContext.RunAsNonRoot.ShouldBe(true);
        pod.AutomountServiceAccountToken.ShouldBe(false);
        pod.Containers.Single().SecurityContext.AllowPrivilegeEscalation.ShouldBe(false);
        pod.Containers.Single().SecurityContext.Privileged.ShouldNotBe(true);
    }

    [Theory]
    [InlineData("/etc")]
    [InlineData("/var/log/retina/captures/pvc-staging/../../../../root")]
    public async Task A_node_reporting_a_path_outside_the_base_gets_no_copy_Job_and_the_Capture_says_why(string directory)
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1", new() { [PvcCopyJob.HostnameLabel] = "n1" });
        var c = Objects.NodeCapture("shop", "escape");
        c.Spec.OutputConfiguration.HostPath = null;
        c.Spec.OutputConfiguration.PersistentVolumeClaim = "store";
        var created = await h.Client.CreateAsync(c, None);
        var runtime = await Until.ValueAsync(() => h.Client.GetAsync<NodeRuntimeObject>("n1", null, None), r => r?.Spec.Captures?.Count == 1, "n1 is assigned");

        await NodeReports.ReportAsync(h.Client, "n1", new NodeWorkStatus
        {
            Key = runtime!.Spec.Captures![0].Key,
            Phase = "Completed",
            Artifacts = [new CaptureArtifact { Node = "n1", Output = "hostPath", Location = directory + "/escape-n1-20261125010203UTC.tar.gz" }],
        });

        var refused = await Until.ValueAsync(() => h.Client.GetAsync<CaptureObject>("escape", "shop", None),
            x => Api.Common.Conditions.Find(x?.Status?.Conditions, CaptureReasons.CopyPending)?.Reason == CaptureReasons.HostPathRefused, "the Capture says the copy was refused");
        var condition = Api.Common.Conditions.Find(refused!.Status!.Conditions, CaptureReasons.CopyPending)!;
        condition.Status.ShouldBe("True");
        condition.Message!.ShouldStartWith("n1: copy refused: reported path");
        refused.Status.Nodes!.Single(n => n.Node == "n1").Message!.ShouldContain("copy refused");
        (await h.Client.ListAsync<V1Job>(new ListOptions { Namespace = "shop" }, None)).Items.ShouldBeEmpty("nothing may mount a path outside the base");
        (await h.Client.GetAsync<V1Job>(PvcCopyJob.Name(created, "n1"), "shop", None)).ShouldBeNull();
    }
}
