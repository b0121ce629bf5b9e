using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.NodeRuntime.Agent;
using Retina.NodeRuntime.Enrichment;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.FakeKubeApi.Auth;
using Retina.Testing.Repo;
using Retina.Testing.Waiting;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.NodeRuntime.Tests.Agent;

/// <summary>The node runtime does its work with only the rights kustomize/base/rbac/node-runtime.yaml ships, every request authorized.</summary>
public sealed class NodeRightsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_enrichment_informers_sync_with_the_shipped_rights(bool remoteContext)
    {
        await using var api = await FakeKubeApiServer.StartAsync(o => o.AuthorizeRequests = true);
        api.ApplyRbacFile(RepoPaths.Combine("kustomize/base/rbac/node-runtime.yaml"));
        var node = api.CreateClient(FakeUser.ServiceAccount("retina-system", "retina-node-runtime", "node-a"));

        await using var feed = EnrichmentFeed.Start(node, "node-a", new EnrichmentOptions { RemoteEndpoints = remoteContext });
        await feed.WaitForSyncAsync(new CancellationTokenSource(Until.DefaultTimeout).Token);
    }

    [Fact]
    public async Task The_runtime_writes_its_status_with_the_shipped_rights_and_cannot_touch_another_node()
    {
        await using var api = await FakeKubeApiServer.StartAsync(o => o.AuthorizeRequests = true);
        api.ApplyRbacFile(RepoPaths.Combine("kustomize/base/rbac/node-runtime.yaml"));
        var admin = api.CreateClient();
        var node = api.CreateClient(FakeUser.ServiceAccount("retina-system", "retina-node-runtime", "node-a"));
        foreach (var name in new[] { "node-a", "node-b" })
        {
            await admin.CreateAsync(new NodeRuntimeObject { Metadata = new V1ObjectMeta { Name = name } }, None);
        }

        var root = Directory.CreateTempSubdirectory("node-rights-");
        using var stop = new CancellationTokenSource();
        try
        {
            var options = new NodeAgentOptions
            {
                NodeName = "node-a",
                MetricsAddress = "127.0.0.1:0",
                CaptureBaseDirectory = Path.Combine(root.FullName, "captures"),
                WorkDirectory = Path.Combine(root.FullName, "work"),
                PluginStateDirectory = Path.Combine(root.FullName, "plugins"),
                HeartbeatInterval = TimeSpan.FromMilliseconds(500),
            };
            await using var host = await NodeRuntimeHost.StartAsync(node, options, NullLoggerFactory.Instance, TimeProvider.System, stop.Token);
            var running = host.RunAsync(stop.Token);

            await Until.ValueAsync(() => admin.GetAsync<NodeRuntimeObject>("node-a", null, None), r => r?.Status?.HeartbeatTime is not null, "node-a writes its status");
            var e = await Should.ThrowAsync<Retina.Kube.Client.KubeApiException>(() =>
                node.PatchAsync<NodeRuntimeObject>("node-b", null, Retina.Kube.Client.KubePatch.Merge("""{"metadata":{"labels":{"x":"y"}}}"""), None));
            e.StatusCode.ShouldBe(System.Net.HttpStatusCode.Forbidden);
            await stop.CancelAsync();
            await running;
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
