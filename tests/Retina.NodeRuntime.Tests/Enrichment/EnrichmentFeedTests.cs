using System.Net;
using k8s.Models;
using Retina.NodeRuntime.Enrichment;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.Waiting;

namespace Retina.NodeRuntime.Tests.Enrichment;

public sealed class EnrichmentFeedTests
{
    [Fact]
    public async Task Pods_services_and_zones_from_the_API_follow_adds_changes_and_deletes()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        FakeClusterPods.ServeServices(server);
        using var client = server.CreateClient();
        await client.CreateAsync(new V1Node { ApiVersion = "v1", Kind = "Node", Metadata = new V1ObjectMeta { Name = "node1", Labels = new Dictionary<string, string> { [PodProjection.ZoneLabel] = "zone-a" } } }, default);
        await FakeClusterPods.CreateAsync(client, TestPods.Pod("shop", "web-1", "10.7.0.1", deployment: "web", labels: new Dictionary<string, string> { ["app"] = "web" }));
        await FakeClusterPods.CreateAsync(client, TestPods.Pod("shop", "remote-1", "10.7.1.1", node: "node2"));

        await using var feed = EnrichmentFeed.Start(client, "node1", new EnrichmentOptions { AllPods = true });
        await feed.WaitForSyncAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        var cache = feed.Cache;

        await Until.TrueAsync(() => cache.Lookup(IPAddress.Parse("10.7.0.1"))?.Zone == "zone-a", "the local pod is known with its zone");
        var web = cache.Lookup(IPAddress.Parse("10.7.0.1"))!;
        web.ShouldBe(new PodInfo("shop", "web-1", web.Uid, "node1", "Deployment", "web", "", "zone-a", true));
        web.Uid.ShouldNotBeNullOrEmpty();
        cache.Lookup(IPAddress.Parse("10.7.1.1"))!.IsLocal.ShouldBeFalse();

        await client.CreateAsync(new V1Service { ApiVersion = "v1", Kind = "Service", Metadata = new V1ObjectMeta { Name = "web-svc", NamespaceProperty = "shop" }, Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" } } }, default);
        await Until.TrueAsync(() => cache.Lookup(IPAddress.Parse("10.7.0.1"))?.Service == "web-svc", "the service selecting the pod is named");

        // A pod created without an IP appears once the kubelet reports one.
        await FakeClusterPods.CreateAsync(client, TestPods.Pod("shop", "late", null));
        await client.PatchStatusAsync<V1Pod>("late", "shop", Retina.Kube.Client.KubePatch.Merge("""{"status":{"phase":"Running","podIP":"10.7.0.9"}}"""), default);
        await Until.TrueAsync(() => cache.Lookup(IPAddress.Parse("10.7.0.9"))?.Name == "late", "the pod's IP is learnt from its status");

        var removed = new List<string>();
        cache.PodRemoved += p => { lock (removed) { removed.Add(p.Key); } };
        await client.DeleteAsync<V1Pod>("web-1", "shop", default);
        await Until.TrueAsync(() => cache.Lookup(IPAddress.Parse("10.7.0.1")) is null, "the deleted pod's IP is forgotten");

        // PodRemoved is raised after the cache changed, on the informer's thread: wait for it, then check it came once.
        await Until.TrueAsync(() => { lock (removed) { return removed.Count > 0; } }, "the removal is announced");
        lock (removed)
        {
            removed.ShouldBe(["shop/web-1"]);
        }
    }

    [Fact]
    public async Task Local_only_mode_watches_only_this_nodes_pods()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        using var client = server.CreateClient();
        await FakeClusterPods.CreateAsync(client, TestPods.Pod("a", "here", "10.7.2.1"));
        await FakeClusterPods.CreateAsync(client, TestPods.Pod("a", "there", "10.7.2.2", node: "node2"));

        await using var feed = EnrichmentFeed.Start(client, "node1", new EnrichmentOptions { AllPods = false, WatchServices = false, WatchNodes = false });
        await feed.WaitForSyncAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        await Until.TrueAsync(() => feed.Cache.Lookup(IPAddress.Parse("10.7.2.1")) is not null, "the local pod is known");
        feed.Cache.Lookup(IPAddress.Parse("10.7.2.2")).ShouldBeNull();
        feed.Cache.PodCount.ShouldBe(1);
    }

    [Fact]
    public void Workloads_come_from_owner_references_and_host_network_pods_name_no_address()
    {
        PodProjection.Workload(TestPods.Pod("a", "w-1", "10.0.0.1", deployment: "w")).ShouldBe(("Deployment", "w"));
        var sts = TestPods.Pod("a", "db-0", "10.0.0.2");
        sts.Metadata.OwnerReferences = [new V1OwnerReference { Kind = "StatefulSet", Name = "db", Controller = true, ApiVersion = "apps/v1", Uid = "u" }];
        PodProjection.Workload(sts).ShouldBe(("StatefulSet", "db"));
        PodProjection.Workload(TestPods.Pod("a", "bare", "10.0.0.3")).ShouldBe(("", ""));

        var host = TestPods.Pod("a", "h", "192.168.1.10");
        host.Spec.HostNetwork = true;
        PodProjection.Addresses(host).ShouldBeEmpty();
        var done = TestPods.Pod("a", "d", "10.0.0.4");
        done.Status.Phase = "Succeeded";
        PodProjection.Addresses(done).ShouldBeEmpty();
    }
}
