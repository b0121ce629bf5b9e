using System.Net;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Controllers.Hosting;
using Retina.Kube.Controllers;
using Retina.NodeRuntime.Enrichment;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.FakeKubeApi.Auth;
using Retina.Testing.Repo;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Client;
using Retina.Testing.Waiting;
using Endpoint = Retina.Api.RetinaEndpoint.RetinaEndpoint;

namespace Retina.Controllers.Tests.Endpoints;

/// <summary>With enableRetinaEndpoint on, every pod with its own addresses has a RetinaEndpoint that follows it.</summary>
public sealed class RetinaEndpointReconcilerTests
{
    [Fact]
    public async Task A_pod_is_mirrored_followed_and_removed()
    {
        await using var h = await ControllerHarness.StartAsync(o => o.Agent.EnableRetinaEndpoint = true);
        await CreatePodAsync(h.Client, Pod("team-a", "web-1", "node2", deployment: "web"), "10.9.0.7");

        var ep = await Until.ValueAsync(() => h.Client.GetAsync<Endpoint>("web-1", "team-a", default), e => e?.Spec.PodIps is { Count: 1 }, "the endpoint carries the pod's IP");
        ep!.Spec.PodIps.ShouldBe(["10.9.0.7"]);
        ep.Spec.NodeName.ShouldBe("node2");
        ep.Spec.WorkloadKind.ShouldBe("Deployment");
        ep.Spec.WorkloadName.ShouldBe("web");
        ep.Spec.Labels!["app"].ShouldBe("web");
        var pod = await h.Client.GetAsync<V1Pod>("web-1", "team-a", default);
        ep.Spec.PodUid.ShouldBe(pod!.Metadata.Uid);
        ep.Metadata.OwnerReferences.ShouldHaveSingleItem().Uid.ShouldBe(pod.Metadata.Uid);

        await h.Client.PatchAsync<V1Pod>("web-1", "team-a", KubePatch.Merge("""{"metadata":{"labels":{"app":"web","tier":"front"}}}"""), default);
        await Until.TrueAsync(async () => (await h.Client.GetAsync<Endpoint>("web-1", "team-a", default))?.Spec.Labels?.GetValueOrDefault("tier") == "front", "a label change is mirrored");

        await h.Client.PatchStatusAsync<V1Pod>("web-1", "team-a", KubePatch.Merge("""{"status":{"phase":"Succeeded"}}"""), default);
        await Until.TrueAsync(async () => (await h.Client.GetAsync<Endpoint>("web-1", "team-a", default))?.Spec.PodIps is null, "a finished pod names no address");

        await h.Client.DeleteAsync<V1Pod>("web-1", "team-a", default);
        await Until.TrueAsync(async () => await h.Client.GetAsync<Endpoint>("web-1", "team-a", default) is null, "the endpoint goes with its pod");
    }

    [Fact]
    public async Task Host_network_and_unscheduled_pods_have_no_endpoint_and_nothing_is_rewritten_unchanged()
    {
        await using var h = await ControllerHarness.StartAsync(o => o.Agent.EnableRetinaEndpoint = true);
        var host = Pod("kube-system", "proxy", "node1");
        host.Spec.HostNetwork = true;
        await CreatePodAsync(h.Client, host, "192.168.0.10");
        await CreatePodAsync(h.Client, Pod("team-a", "pending", nodeName: null), null);
        await CreatePodAsync(h.Client, Pod("team-a", "marker", "node1"), "10.9.0.8");
        await Until.TrueAsync(async () => await h.Client.GetAsync<Endpoint>("marker", "team-a", default) is not null, "the marker pod is mirrored");

        (await h.Client.ListAsync<Endpoint>(new ListOptions(), default)).Items.Select(e => e.Metadata.Name).ShouldBe(["marker"]);
        var writes = h.Api.WriteCount("retinaendpoints");
        await h.Client.PatchAsync<V1Pod>("marker", "team-a", KubePatch.Merge("""{"metadata":{"annotations":{"unrelated":"x"}}}"""), default);
        await h.Client.PatchAsync<V1Pod>("pending", "team-a", KubePatch.Merge("""{"spec":{"nodeName":"node3"}}"""), default);
        await Until.TrueAsync(async () => await h.Client.GetAsync<Endpoint>("pending", "team-a", default) is not null, "a pod is mirrored once it is bound");
        h.Api.WriteCount("retinaendpoints").ShouldBe(writes + 1, "an annotation change writes nothing; the bound pod is one create");
    }

    [Fact]
    public async Task Off_by_default()
    {
        await using var h = await ControllerHarness.StartAsync();
        await CreatePodAsync(h.Client, Pod("team-a", "web-1", "node2"), "10.9.0.9");
        await Until.TrueAsync(async () => (await h.Client.GetAsync<V1Pod>("web-1", "team-a", default))?.Status?.PodIP is not null, "the pod exists");
        h.Options.Agent.EnableRetinaEndpoint.ShouldBeFalse();
        h.Api.WriteCount("retinaendpoints").ShouldBe(0);
    }

    [Fact]
    public async Task The_mirror_and_a_remote_node_work_with_only_the_shipped_rights()
    {
        await using var api = await FakeKubeApiServer.StartAsync(o => o.AuthorizeRequests = true);
        api.ApplyRbacFile(RepoPaths.Combine("kustomize/base/rbac/controllers.yaml"));
        api.ApplyRbacFile(RepoPaths.Combine("kustomize/base/rbac/node-runtime.yaml"));
        var admin = api.CreateClient();
        var controllers = api.CreateClient(FakeUser.ServiceAccount("retina-system", "retina-controllers"));
        var node = api.CreateClient(FakeUser.ServiceAccount("retina-system", "retina-node-runtime", "node1"));
        using var stop = new CancellationTokenSource();
        var mirror = RetinaControllers.RetinaEndpoints(controllers, NullLoggerFactory.Instance, TimeProvider.System, new ControllerOptions());
        var running = mirror.RunAsync(stop.Token);
        try
        {
            await CreatePodAsync(admin, Pod("team-a", "web-1", "node2"), "10.9.1.7");
            await using var feed = EnrichmentFeed.Start(node, "node1", new EnrichmentOptions { RemoteEndpoints = true, WatchServices = false, WatchNodes = false });
            await Until.TrueAsync(() => feed.Cache.Lookup(IPAddress.Parse("10.9.1.7")) is not null, "the node names the remote pod through its endpoint");

            await admin.PatchAsync<V1Pod>("web-1", "team-a", KubePatch.Merge("""{"metadata":{"labels":{"app":"web2"}}}"""), default);
            await Until.TrueAsync(async () => (await admin.GetAsync<Endpoint>("web-1", "team-a", default))?.Spec.Labels?["app"] == "web2", "replaced with the shipped update right");
            await admin.DeleteAsync<V1Pod>("web-1", "team-a", default);
            await Until.TrueAsync(() => feed.Cache.Lookup(IPAddress.Parse("10.9.1.7")) is null, "deleted with the shipped delete right");
            api.Requests.Where(r => r.Key.Plural == "retinaendpoints" && r.Key.Verb is "create" or "update" or "delete").Sum(r => r.Value).ShouldBeGreaterThanOrEqualTo(3);
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await running;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static V1Pod Pod(string ns, string name, string? nodeName, string? deployment = null)
    {
        var labels = new Dictionary<string, string> { ["app"] = deployment ?? name };
        var owners = new List<V1OwnerReference>();
        if (deployment is not null)
        {
            labels["pod-template-hash"] = "5f7c9d";
            owners.Add(new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = deployment + "-5f7c9d", Uid = "rs-uid", Controller = true });
        }

        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels, OwnerReferences = owners.Count == 0 ? null : owners },
            Spec = new V1PodSpec { NodeName = nodeName, Containers = [new V1Container { Name = "c", Image = "busybox" }] },
        };
    }

    private static async Task CreatePodAsync(IKubeClient client, V1Pod pod, string? ip)
    {
        await client.CreateAsync(pod, default);
        if (ip is not null)
        {
            await client.PatchStatusAsync<V1Pod>(pod.Metadata.Name, pod.Metadata.NamespaceProperty,
                KubePatch.Merge($$$"""{"status":{"phase":"Running","podIP":"{{{ip}}}","podIPs":[{"ip":"{{{ip}}}"}]}}"""), default);
        }
    }
}
