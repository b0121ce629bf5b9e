using k8s.Models;
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
