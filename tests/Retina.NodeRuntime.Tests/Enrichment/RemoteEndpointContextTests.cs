using System.Net;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Controllers.Hosting;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.NodeRuntime.Enrichment;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.Waiting;
using Endpoint = Retina.Api.RetinaEndpoint.RetinaEndpoint;

namespace Retina.NodeRuntime.Tests.Enrichment;

/// <summary>
/// Remote context from the slim projection: the controllers' RetinaEndpoint mirror (real reconciler, fake API) and a
/// node's feed watching it; the node never lists other nodes' Pods.
/// </summary>
public sealed class RemoteEndpointContextTests
{
    private static readonly EnrichmentOptions Remote = new() { RemoteEndpoints = true, WatchServices = false, WatchNodes = false };

    [Fact]
    public async Task Remote_pods_resolve_from_endpoints_and_go_with_their_pod()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        using var client = server.CreateClient();
        using var stop = new CancellationTokenSource();
        var controller = RunEndpointsController(client, stop.Token);
        await FakeClusterPods.CreateAsync(client, TestPods.Pod("team-a", "here", "10.8.1.1"));
        await FakeClusterPods.CreateAsync(client, TestPods.Pod("team-b", "there", "10.8.1.2", node: "node2", deployment: "api"));

        await using var feed = EnrichmentFeed.Start(client, "node1", Remote);
        await feed.WaitForSyncAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        var remote = await Until.ValueAsync(() => Task.FromResult(feed.Cache.Lookup(IPAddress.Parse("10.8.1.2"))), p => p is not null, "the remote pod is named from its endpoint");
        remote!.Namespace.ShouldBe("team-b");
        remote.Name.ShouldBe("there");
        remote.WorkloadKind.ShouldBe("Deployment");
        remote.WorkloadName.ShouldBe("api");
        remote.NodeName.ShouldBe("node2");
        remote.IsLocal.ShouldBeFalse();
        remote.Uid.ShouldBe((await client.GetAsync<V1Pod>("there", "team-b", default))!.Metadata.Uid);
        feed.Cache.LabelsOf(remote).ShouldContain("pod-template-hash=7d9f8c6b5");
        await Until.TrueAsync(() => feed.Cache.Lookup(IPAddress.Parse("10.8.1.1"))?.IsLocal == true, "the local pod comes from the pod watch");
        feed.Cache.PodCount.ShouldBe(2);
        await Until.TrueAsync(() => feed.RemoteContextProblem is null, "with the mirror running there is no problem to report");

        await client.DeleteAsync<V1Pod>("there", "team-b", default);
        await Until.TrueAsync(() => feed.Cache.Lookup(IPAddress.Parse("10.8.1.2")) is null, "a deleted pod is gone from the node");
        feed.Cache.PodCount.ShouldBe(1);
        await stop.CancelAsync();
        await controller;
    }

    [Fact]
    public async Task Without_an_endpoint_another_nodes_pod_is_unknown()
    {
        // No controller: the node's only pod source is its field-selected watch, so a remote pod without an endpoint stays unknown.
        await using var server = await FakeKubeApiServer.StartAsync();
        using var client = server.CreateClient();
        await FakeClusterPods.CreateAsync(client, TestPods.Pod("team-b", "there", "10.8.2.2", node: "node2"));
        await FakeClusterPods.CreateAsync(client, TestPods.Pod("team-a", "here", "10.8.2.1"));

        await using var feed = EnrichmentFeed.Start(client, "node1", Remote);
        await feed.WaitForSyncAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        await Until.TrueAsync(() => feed.Cache.Lookup(IPAddress.Parse("10.8.2.1")) is not null, "the local pod is known");
        feed.Cache.Lookup(IPAddress.Parse("10.8.2.2")).ShouldBeNull();
        feed.RemoteContextProblem.ShouldNotBeNull().ShouldContain("enableRetinaEndpoint is off");

        // An endpoint of this node's own pod is ignored: the pod watch owns local pods.
        await client.CreateAsync(new Endpoint
        {
            Metadata = new V1ObjectMeta { Name = "ghost", NamespaceProperty = "team-a" },
            Spec = new() { NodeName = "node1", PodIps = ["10.8.2.9"] },
        }, default);
        await client.CreateAsync(new Endpoint
        {
            Metadata = new V1ObjectMeta { Name = "marker", NamespaceProperty = "team-b" },
            Spec = new() { NodeName = "node2", PodIps = ["10.8.2.10"] },
        }, default);
        await Until.TrueAsync(() => feed.Cache.Lookup(IPAddress.Parse("10.8.2.10")) is not null, "a remote endpoint arrives");
        feed.Cache.Lookup(IPAddress.Parse("10.8.2.9")).ShouldBeNull();
        feed.RemoteContextProblem.ShouldBeNull("an endpoint of this node's pod shows the mirror runs");
    }

    [Fact]
    public async Task After_410_Gone_the_node_relists_and_drops_what_was_deleted_meanwhile()
    {
        await using var server = await FakeKubeApiServer.StartAsync(o => o.HistoryLimit = 2);
        using var client = server.CreateClient();
        foreach (var (name, ip) in new[] { ("r1", "10.8.3.1"), ("r2", "10.8.3.2") })
        {
            await client.CreateAsync(new Endpoint
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "team-b" },
                Spec = new() { NodeName = "node2", PodIps = [ip] },
            }, default);
        }

        await using var feed = EnrichmentFeed.Start(client, "node1", Remote);
        await feed.WaitForSyncAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        await Until.TrueAsync(() => feed.Cache.PodCount == 2, "both endpoints are cached");
        var lists = server.RequestCount("list", "retinaendpoints");

        server.WatchesDown = true;
        await client.DeleteAsync<Endpoint>("r1", "team-b", default);
        for (var i = 0; i < 5; i++)
        {
            await client.CreateAsync(new Endpoint
            {
                Metadata = new V1ObjectMeta { Name = "n" + i, NamespaceProperty = "team-c" },
                Spec = new() { NodeName = "node3", PodIps = ["10.8.4." + (i + 1)] },
            }, default);
        }

        server.WatchesDown = false;
        await Until.TrueAsync(() => feed.Cache.PodCount == 6 && feed.Cache.Lookup(IPAddress.Parse("10.8.3.1")) is null,
            "the relist drops r1 and adds the five new endpoints");
        server.RequestCount("list", "retinaendpoints").ShouldBeGreaterThan(lists);
    }

    private static Task RunEndpointsController(IKubeClient client, CancellationToken ct)
    {
        var controller = RetinaControllers.RetinaEndpoints(client, NullLoggerFactory.Instance, TimeProvider.System, new ControllerOptions());
        return Task.Run(async () =>
        {
            try
            {
                await controller.RunAsync(ct);
            }
            catch (OperationCanceledException)
            {
            }
        });
    }
}
