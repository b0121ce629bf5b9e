using System.Net;
using Retina.NodeRuntime.Enrichment;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Enrichment;

public sealed class NetnsPodSourceTests
{
    [KernelFact]
    public async Task Named_network_namespaces_become_local_pods_and_leave_with_their_namespace()
    {
        await using var net = await PodNetwork.CreateAsync("nps", 2);
        var cache = new EnrichmentCache("laptop");
        await using var source = new NetnsPodSource(cache);

        await source.ScanAsync();

        var pod = cache.Lookup(IPAddress.Parse(net.Pods[0].Address)).ShouldNotBeNull();
        pod.Name.ShouldBe(net.Pods[0].Namespace);
        pod.Namespace.ShouldBe("local");
        pod.IsLocal.ShouldBeTrue();
        cache.Lookup(IPAddress.Parse(net.Pods[1].Address))!.Name.ShouldBe(net.Pods[1].Namespace);
        cache.Lookup(IPAddress.Parse(net.NodeAddress)).ShouldBeNull(); // on the node's lo: loopback is not an address of a pod

        await net.RemovePodAsync(net.Pods[1]);
        await source.ScanAsync();
        cache.Lookup(IPAddress.Parse(net.Pods[1].Address)).ShouldBeNull();
    }
}
