using k8s.Models;
using Retina.Kube.Store;
using Retina.Local.Hosting;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;

namespace Retina.Local.Tests.Hosting;

/// <summary>Local mode's `ip netns` "pods" reach the store, so TraceSessions and Captures resolve them (issue 13, item 5).</summary>
public sealed class LocalNetnsPodsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [KernelFact]
    public async Task Each_named_network_namespace_with_an_address_is_a_running_pod_of_this_node_until_it_goes()
    {
        var store = new InMemoryKubeClient();
        V1Pod? pod;
        await using (var pair = await NetnsPair.CreateAsync("lnp"))
        {
            await LocalNetnsPods.ScanAsync(store, "laptop", "/run/netns", None);
            pod = await store.GetAsync<V1Pod>(pair.NamespaceA, LocalNetnsPods.Namespace, None);
            pod.ShouldNotBeNull();
            pod.Spec.NodeName.ShouldBe("laptop");
            pod.Status.Phase.ShouldBe("Running");
            pod.Status.PodIP.ShouldBe(pair.AddressA);
            pod.Metadata.Labels[LocalNetnsPods.NetnsLabel].ShouldBe(pair.NamespaceA);
            (await store.GetAsync<V1Pod>(pair.NamespaceB, LocalNetnsPods.Namespace, None))!.Status.PodIP.ShouldBe(pair.AddressB);
        }

        await LocalNetnsPods.ScanAsync(store, "laptop", "/run/netns", None);
        (await store.GetAsync<V1Pod>(pod.Metadata.Name, LocalNetnsPods.Namespace, None)).ShouldBeNull("the namespace is gone, so is its pod");
    }

    [Fact]
    public async Task No_netns_directory_means_no_pods()
    {
        var store = new InMemoryKubeClient();
        await LocalNetnsPods.ScanAsync(store, "laptop", Path.Combine(Path.GetTempPath(), "no-such-netns-" + Guid.NewGuid().ToString("N")), None);
        (await store.ListAsync<V1Pod>(new Retina.Kube.Client.ListOptions { Namespace = LocalNetnsPods.Namespace }, None)).Items.ShouldBeEmpty();
    }
}
