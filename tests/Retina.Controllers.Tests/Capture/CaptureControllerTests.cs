using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Client;
using Retina.Testing.Waiting;
using CaptureObject = Retina.Api.Capture.Capture;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Tests.Capture;

public sealed class CaptureControllerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static Task<NodeRuntimeObject?> Runtime(ControllerHarness h, string node) => h.Client.GetAsync<NodeRuntimeObject>(node, null, None);

    private static Task<CaptureObject?> Get(ControllerHarness h, string ns, string name) => h.Client.GetAsync<CaptureObject>(name, ns, None);

    private static async Task<NodeCaptureAssignment> AssignmentOn(ControllerHarness h, string node) =>
        (await Until.ValueAsync(() => Runtime(h, node), r => r?.Spec.Captures?.Count == 1, $"{node} gets an assignment"))!.Spec.Captures![0];

    [Fact]
    public async Task A_node_capture_is_assigned_to_matching_nodes_only_and_completes_from_their_reports()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("linux-1", new() { ["os"] = "linux" });
        await h.AddNodeAsync("linux-2", new() { ["os"] = "linux" });
        await h.AddNodeAsync("windows-1", new() { ["os"] = "windows" });
        var created = await h.Client.CreateAsync(Objects.NodeCapture("default", "cap", nodeLabels: new() { ["os"] = "linux" }), None);

        var a1 = await AssignmentOn(h, "linux-1");
        await AssignmentOn(h, "linux-2");
        a1.Key.ShouldBe($"default/cap/{created.Metadata.Uid}");
        a1.PcapFilter.ShouldBe("udp port 53");
        a1.PodIps.ShouldBeNull();
        a1.MaxCaptureSizeMb.ShouldBe(100);
        (await Runtime(h, "windows-1"))!.Spec.Captures.ShouldBeNull();

        await NodeReports.ReportAsync(h.Client, "linux-1", new NodeWorkStatus { Key = a1.Key, Phase = "Running", Packets = 5 });
        await Until.ValueAsync(() => Get(h, "default", "cap"), c => c?.Status?.Phase == CapturePhase.Running && c.Status.Active == 2, "the capture runs on 2 nodes");

        var artifact = new Api.Capture.CaptureArtifact { Node = "linux-1", Output = "hostPath", Location = "/var/log/retina/captures/out/cap-linux-1.tar.gz", Sha256 = "ab" };
        await NodeReports.ReportAsync(h.Client, "linux-1", new NodeWorkStatus { Key = a1.Key, Phase = "Completed", Packets = 10, Bytes = 1000, Artifacts = [artifact] });
        await NodeReports.ReportAsync(h.Client, "linux-2", new NodeWorkStatus { Key = a1.Key, Phase = "Completed", Packets = 7, Bytes = 700 });

        var done = await Until.ValueAsync(() => Get(h, "default", "cap"), c => c?.Status?.Phase == CapturePhase.Completed, "the capture completes");
        done!.Status!.Succeeded.ShouldBe(2);
        done.Status.TotalNodes.ShouldBe(2);
        done.Status.Nodes!.Single(n => n.Node == "linux-1").Packets.ShouldBe(10);
        done.Status.Artifacts!.Single().Location.ShouldBe(artifact.Location);
        done.Status.Conditions!.Single(c => c.Type == "complete").Status.ShouldBe("True");
        done.Status.CompletionTime.ShouldNotBeNull();
        await Until.TrueAsync(async () => (await Runtime(h, "linux-1"))!.Spec.Captures is null or { Count: 0 }, "the finished capture's assignment is withdrawn");
    }

    [Fact]
    public async Task A_pod_capture_goes_only_to_nodes_running_matching_pods_with_their_ips()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        await h.AddNodeAsync("n2");
        await h.AddPodAsync(Objects.Pod("shop", "web-1", "n1", "10.1.0.5"));
        await h.AddPodAsync(Objects.Pod("shop", "web-2", "n1", "10.1.0.6"));
        await h.AddPodAsync(Objects.Pod("shop", "db-1", "n2", "10.1.0.7", new() { ["app"] = "db" }));
        await h.AddPodAsync(Objects.Pod("other", "web-9", "n2", "10.1.0.8"));
        await h.Client.CreateAsync(Objects.PodCapture("shop", "web"), None);

        var hostPod = Objects.Pod("shop", "web-host", "n2", "192.168.0.2");
        hostPod.Spec.HostNetwork = true;
        await h.AddPodAsync(hostPod);
        var a = await AssignmentOn(h, "n1");
        a.PodIps.ShouldBe(["10.1.0.5", "10.1.0.6"]);
        a.PodEndpoints.ShouldBeNull();

        // As in Retina, a host-network pod is captured by its IP, the node's: narrowed to the ports it declares (none here).
        var host = await AssignmentOn(h, "n2");
        host.PodIps.ShouldBeNull();
        host.PodEndpoints.ShouldBe(["192.168.0.2"]);
        var said = await Until.ValueAsync(() => Get(h, "shop", "web"), x => x?.Status?.Conditions?.Any(k => k.Type == CaptureReasons.HostNetworkPods && k.Message!.Contains("web-host")) == true,
            "a condition names the host-network pod and says how it is captured");
        said!.Status!.Conditions!.Single(k => k.Type == CaptureReasons.HostNetworkPods).Reason.ShouldBe(CaptureReasons.CapturedByNodeAddress);
        await Until.ValueAsync(() => Get(h, "shop", "web"), c => c?.Status?.TotalNodes == 2, "status counts both nodes");
    }

    [Fact]
    public async Task A_host_network_pod_is_captured_by_its_nodes_address_and_declared_ports()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        var pod = Objects.Pod("shop", "web-host", "n1", "192.168.0.2");
        pod.Spec.HostNetwork = true;
        pod.Spec.Containers[0].Ports = [new V1ContainerPort { ContainerPort = 8443 }, new V1ContainerPort { ContainerPort = 80 }];
        await h.AddPodAsync(pod);
        await h.Client.CreateAsync(Objects.PodCapture("shop", "web"), None);

        var a = await AssignmentOn(h, "n1");
        a.PodEndpoints.ShouldBe(["192.168.0.2:80", "192.168.0.2:8443"]);
    }

    [Fact]
    public async Task A_pod_of_the_target_that_starts_during_the_capture_joins_it()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        await h.AddNodeAsync("n2");
        await h.AddPodAsync(Objects.Pod("shop", "web-1", "n1", "10.1.0.5"));
        await h.Client.CreateAsync(Objects.PodCapture("shop", "web"), None);
        await AssignmentOn(h, "n1");

        await h.AddPodAsync(Objects.Pod("shop", "web-2", "n2", "10.1.0.9"));
        var late = await AssignmentOn(h, "n2");
        late.PodIps.ShouldBe(["10.1.0.9"]);
        Retina.Api.Common.GoDuration.TryParse(late.Duration, out var left).ShouldBeTrue();
        left.ShouldBeLessThanOrEqualTo(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task A_workload_capture_follows_the_deployments_selector_to_its_pods()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        await h.AddNodeAsync("n2");
        await h.Client.CreateAsync(new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = "checkout", NamespaceProperty = "shop" },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "checkout" } },
                Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "x" }] } },
            },
        }, None);
        await h.AddPodAsync(Objects.Pod("shop", "checkout-1", "n2", "10.2.0.4", new() { ["app"] = "checkout" }));
        await h.AddPodAsync(Objects.Pod("shop", "web-1", "n1", "10.2.0.5"));
        var c = Objects.NodeCapture("shop", "wl");
        c.Spec.CaptureConfiguration.CaptureTarget = new CaptureTarget { WorkloadRef = new WorkloadReference { Kind = "Deployment", Name = "checkout" } };
        await h.Client.CreateAsync(c, None);

        (await AssignmentOn(h, "n2")).PodIps.ShouldBe(["10.2.0.4"]);
        (await Runtime(h, "n1"))!.Spec.Captures.ShouldBeNull();
    }

    [Fact]
    public async Task An_invalid_capture_fails_with_the_field_path_and_is_never_assigned()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        var c = Objects.NodeCapture("default", "bad");
        c.Spec.CaptureConfiguration.CaptureOption!.Duration = "0s";
        await h.Client.CreateAsync(c, None);

        var failed = await Until.ValueAsync(() => Get(h, "default", "bad"), x => x?.Status?.Phase == CapturePhase.Failed, "the capture fails");
        failed!.Status!.Conditions!.Single(x => x.Type == "error").Message!.ShouldContain("spec.captureConfiguration.captureOption.duration");
        await Until.ValueAsync(() => Runtime(h, "n1"), r => r is not null, "n1's runtime exists");
        (await Runtime(h, "n1"))!.Spec.Captures.ShouldBeNull();
    }

    [Fact]
    public async Task An_output_the_cluster_does_not_allow_is_rejected_naming_the_field()
    {
        await using var h = await ControllerHarness.StartAsync(o => o.AllowedOutputs = ["hostPath"]);
        var c = Objects.NodeCapture("default", "blob");
        c.Spec.OutputConfiguration.BlobUpload = "sas";
        await h.Client.CreateAsync(c, None);
        var failed = await Until.ValueAsync(() => Get(h, "default", "blob"), x => x?.Status?.Phase == CapturePhase.Failed, "the capture fails");
        failed!.Status!.Conditions!.Single(x => x.Type == "error").Message!.ShouldContain("spec.outputConfiguration.blobUpload");
    }

    [Fact]
    public async Task Blob_credentials_are_named_not_copied_and_their_values_appear_nowhere_else()
    {
        const string sas = "https://acct.blob.core.windows.net/caps?sv=2026&sig=TOPSECRETSIGNATURE";
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        await h.Client.CreateAsync(Objects.Secret("default", "sas", new() { ["blob-upload-url"] = sas }), None);
        var c = Objects.NodeCapture("default", "blob");
        c.Spec.OutputConfiguration.BlobUpload = "sas";
        await h.Client.CreateAsync(c, None);

        // The assignment names the user's Secret; the node gets its value only from the credential endpoint.
        var a = await AssignmentOn(h, "n1");
        a.BlobSecret.ShouldBe("sas");
        (await h.Client.ListAsync<V1Secret>(new ListOptions { Namespace = "retina-system" }, None)).Items.ShouldBeEmpty("nothing is copied into the runtime's namespace");

        await NodeReports.ReportAsync(h.Client, "n1", new NodeWorkStatus { Key = a.Key, Phase = "Completed" });
        await Until.ValueAsync(() => Get(h, "default", "blob"), x => x?.Status?.Phase == CapturePhase.Completed, "the capture completes");

        var visible = string.Join('\n',
            System.Text.Json.JsonSerializer.Serialize(await Get(h, "default", "blob")),
            System.Text.Json.JsonSerializer.Serialize(await Runtime(h, "n1")),
            System.Text.Json.JsonSerializer.Serialize((await h.Client.ListAsync<Corev1Event>(new ListOptions(), None)).Items));
        visible.ShouldNotContain("TOPSECRETSIGNATURE");
    }

    [Fact]
    public async Task A_missing_secret_keeps_the_capture_pending_with_a_condition_naming_it()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        var c = Objects.NodeCapture("default", "s3");
        c.Spec.OutputConfiguration.S3Upload = new S3Upload { Bucket = "caps", Region = "eu-west-1", SecretName = "nope" };
        await h.Client.CreateAsync(c, None);
        var pending = await Until.ValueAsync(() => Get(h, "default", "s3"),
            x => x?.Status?.Conditions?.Any(k => k.Reason == CaptureReasons.SecretNotFound) == true, "the condition names the missing Secret");
        pending!.Status!.Phase.ShouldBe(CapturePhase.Pending);
        pending.Status.Conditions!.Single(k => k.Type == "error").Message!.ShouldContain("spec.outputConfiguration.s3Upload.secretName: Secret \"nope\" not found");
    }

    [Fact]
    public async Task Deleting_a_running_capture_withdraws_its_assignments_then_lets_it_go()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        await h.Client.CreateAsync(Objects.Secret("default", "sas", new() { ["blob-upload-url"] = "https://x/y?sig=z" }), None);
        var c = Objects.NodeCapture("default", "gone");
        c.Spec.OutputConfiguration.BlobUpload = "sas";
        await h.Client.CreateAsync(c, None);
        await AssignmentOn(h, "n1");

        await h.Client.DeleteAsync<CaptureObject>("gone", "default", None);

        await Until.TrueAsync(async () => await Get(h, "default", "gone") is null, "the capture is gone");
        ((await Runtime(h, "n1"))!.Spec.Captures ?? []).ShouldBeEmpty("withdrawn, which also ends the node's access to the capture's credentials");
    }

    [Fact]
    public async Task A_node_whose_runtime_stops_reporting_fails_that_node_with_the_reason()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        await h.Client.CreateAsync(Objects.NodeCapture("default", "silent"), None);
        var a = await AssignmentOn(h, "n1");
        await NodeReports.ReportAsync(h.Client, "n1", new NodeWorkStatus { Key = a.Key, Phase = "Running" });
        await Until.ValueAsync(() => Get(h, "default", "silent"), x => x?.Status?.Phase == CapturePhase.Running, "running");

        await NodeReports.HeartbeatAsync(h.Client, "n1", DateTime.UtcNow.AddMinutes(-10));

        var failed = await Until.ValueAsync(() => Get(h, "default", "silent"), x => x?.Status?.Phase == CapturePhase.Failed, "the node is failed");
        failed!.Status!.Nodes!.Single().Message!.ShouldContain("stopped reporting");
    }

    [Fact]
    public async Task A_finished_capture_is_deleted_after_its_ttl()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        var c = Objects.NodeCapture("default", "ttl");
        c.Spec.TtlSecondsAfterFinished = 1;
        await h.Client.CreateAsync(c, None);
        var a = await AssignmentOn(h, "n1");
        await NodeReports.ReportAsync(h.Client, "n1", new NodeWorkStatus { Key = a.Key, Phase = "Completed" });
        await Until.TrueAsync(async () => await Get(h, "default", "ttl") is null, "the capture is deleted after its TTL");
    }
}
