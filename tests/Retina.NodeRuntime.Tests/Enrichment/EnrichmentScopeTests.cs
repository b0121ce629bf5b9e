using System.Net;
using Retina.NodeRuntime.Agent;
using Retina.NodeRuntime.Enrichment;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.Waiting;

namespace Retina.NodeRuntime.Tests.Enrichment;

/// <summary>A node caches only its own pods unless remote context is asked for (issue 10: least privilege, scale).</summary>
public sealed class EnrichmentScopeTests
{
    [Fact]
    public async Task By_default_a_node_caches_only_the_pods_scheduled_on_it()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        using var client = server.CreateClient();
        await FakeClusterPods.CreateAsync(client, TestPods.Pod("team-a", "here", "10.7.3.1"));
        await FakeClusterPods.CreateAsync(client, TestPods.Pod("team-b", "elsewhere", "10.7.3.2", node: "node2"));

        await using var feed = EnrichmentFeed.Start(client, "node1", new EnrichmentOptions { WatchServices = false, WatchNodes = false });
        await feed.WaitForSyncAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        await Until.TrueAsync(() => feed.Cache.Lookup(IPAddress.Parse("10.7.3.1")) is not null, "the local pod is known");

        feed.Cache.Lookup(IPAddress.Parse("10.7.3.2")).ShouldBeNull("another node's pod is never listed");
        feed.Cache.PodCount.ShouldBe(1);
        await FakeClusterPods.CreateAsync(client, TestPods.Pod("team-b", "later", "10.7.3.3", node: "node2"));
        await FakeClusterPods.CreateAsync(client, TestPods.Pod("team-a", "later-here", "10.7.3.4"));
        await Until.TrueAsync(() => feed.Cache.Lookup(IPAddress.Parse("10.7.3.4")) is not null, "a new local pod arrives");
        feed.Cache.Lookup(IPAddress.Parse("10.7.3.3")).ShouldBeNull("nor watched");
    }

    [Fact]
    public async Task The_old_remote_way_caches_every_full_pod()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        using var client = server.CreateClient();
        await FakeClusterPods.CreateAsync(client, TestPods.Pod("team-a", "here", "10.7.4.1"));
        await FakeClusterPods.CreateAsync(client, TestPods.Pod("team-b", "elsewhere", "10.7.4.2", node: "node2"));

        await using var feed = EnrichmentFeed.Start(client, "node1", new EnrichmentOptions { AllPods = true, WatchServices = false, WatchNodes = false });
        await feed.WaitForSyncAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);

        await Until.TrueAsync(() => feed.Cache.PodCount == 2, "both pods are cached");
        feed.Cache.Lookup(IPAddress.Parse("10.7.4.2"))!.IsLocal.ShouldBeFalse();
    }

    [Fact]
    public void The_node_runtime_defaults_to_local_context()
    {
        new NodeAgentOptions().RemoteContext.ShouldBeFalse();
        new EnrichmentOptions().AllPods.ShouldBeFalse();
        new EnrichmentOptions().RemoteEndpoints.ShouldBeFalse();
    }
}
