using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Api.Capture;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Capture;
using Retina.Controllers.Hosting;
using Retina.Controllers.Options;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Client;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.FakeKubeApi.Auth;
using Retina.Testing.Repo;
using Retina.Testing.Waiting;
using CaptureObject = Retina.Api.Capture.Capture;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Tests.Privilege;

/// <summary>The narrowed RBAC is enough: the controllers and a node runtime do their work with only the shipped rights, every request authorized.</summary>
public sealed class ShippedRbacFlowTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_pvc_capture_completes_with_only_the_shipped_rights_of_the_controllers_and_the_node()
    {
        await using var api = await FakeKubeApiServer.StartAsync(o => o.AuthorizeRequests = true);
        api.ApplyRbacFile(RepoPaths.Combine("kustomize/base/rbac/controllers.yaml"));
        api.ApplyRbacFile(RepoPaths.Combine("kustomize/base/rbac/node-runtime.yaml"));
        var admin = api.CreateClient();
        var controllers = api.CreateClient(FakeUser.ServiceAccount("retina-system", "retina-controllers"));
        var node = api.CreateClient(FakeUser.ServiceAccount("retina-system", "retina-node-runtime", "n1"));

        using var stop = new CancellationTokenSource();
        var options = new RetinaControllerOptions { Plugins = ["packetforward"] };
        var running = Task.WhenAll(RetinaControllers.Create(controllers, options, NullLoggerFactory.Instance, TimeProvider.System)
            .Select(c => c.RunAsync(stop.Token)));
        try
        {
            await using var scheduler = FakeJobScheduler.Start(admin);
            await admin.CreateAsync(new V1Node { ApiVersion = "v1", Kind = "Node", Metadata = new() { Name = "n1", Labels = new Dictionary<string, string> { [PvcCopyJob.HostnameLabel] = "n1" } } }, None);
            await admin.CreateAsync(new V1PersistentVolumeClaim
            {
                ApiVersion = "v1", Kind = "PersistentVolumeClaim", Metadata = new() { Name = "store", NamespaceProperty = "shop" },
                Spec = new() { AccessModes = ["ReadWriteMany"] },
            }, None);
            await admin.PatchStatusAsync<V1PersistentVolumeClaim>("store", "shop", KubePatch.Merge(new JsonObject { ["status"] = new JsonObject { ["phase"] = "Bound" } }), None);
            var c = Objects.NodeCapture("shop", "rbac");
            c.Spec.OutputConfiguration.HostPath = null;
            c.Spec.OutputConfiguration.PersistentVolumeClaim = "store";
            var created = await admin.CreateAsync(c, None);

            var runtime = await Until.ValueAsync(() => admin.GetAsync<NodeRuntimeObject>("n1", null, None), r => r?.Spec.Captures?.Count == 1, "the controllers create n1's NodeRuntime and assign the capture");
            await NodeReports.ReportAsync(node, "n1", new NodeWorkStatus
            {
                Key = runtime!.Spec.Captures![0].Key,
                Phase = "Completed",
                Artifacts = [new CaptureArtifact { Node = "n1", Output = "hostPath", Location = $"/var/log/retina/captures/pvc-staging/{created.Metadata.Uid}/rbac-n1-20261125010203UTC.tar.gz" }],
            });

            var job = await Until.ValueAsync(() => admin.GetAsync<V1Job>(PvcCopyJob.Name(created, "n1"), "shop", None), j => j is not null, "the controllers create the copy Job");
            await admin.PatchStatusAsync<V1Job>(job!.Metadata.Name, "shop", KubePatch.Merge(new JsonObject { ["status"] = new JsonObject { ["succeeded"] = 1, ["active"] = 0 } }), None);
            await Until.ValueAsync(() => admin.GetAsync<CaptureObject>("rbac", "shop", None), x => x?.Status?.Phase == CapturePhase.Completed, "completed with the shipped rights");
            var events = await admin.ListAsync<Corev1Event>(new ListOptions { Namespace = "shop" }, None);
            events.Items.ShouldContain(e => e.Reason == "Assigned", "events are recorded with the shipped rights");
        }
        finally
        {
            await stop.CancelAsync();
            await running.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
