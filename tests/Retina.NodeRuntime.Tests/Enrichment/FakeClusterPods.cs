using k8s.Models;
using Retina.Kube.Client;
using Retina.Testing.FakeKubeApi;

namespace Retina.NodeRuntime.Tests.Enrichment;

/// <summary>Creates pods in the fake API the way the real one fills them in: create, then patch status with the IP.</summary>
public static class FakeClusterPods
{
    public static async Task CreateAsync(IKubeClient client, V1Pod pod, CancellationToken ct = default)
    {
        var status = pod.Status;
        pod.Status = null;
        await client.CreateAsync(pod, ct);
        if (status?.PodIP is { } ip)
        {
            await client.PatchStatusAsync<V1Pod>(pod.Metadata.Name, pod.Metadata.NamespaceProperty,
                KubePatch.Merge($$$"""{"status":{"phase":"Running","podIP":"{{{ip}}}","podIPs":[{"ip":"{{{ip}}}"}]}}"""), ct);
        }
    }

    /// <summary>Registers core/v1 services with the fake (it serves built-in kinds it knows, and any registered one).</summary>
    public static void ServeServices(FakeKubeApiServer server) =>
        server.RegisterCustomResource(new ResourceDescriptor("", "v1", "services", "Service", Namespaced: true, HasStatusSubresource: true));
}
