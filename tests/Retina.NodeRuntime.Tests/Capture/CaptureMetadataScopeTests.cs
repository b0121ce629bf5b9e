using System.Text.Json;
using Retina.NodeRuntime.Capture;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Capture;

/// <summary>
/// A pod-targeted capture bundles its pods' network state and none of the node's: namespace A is the node (its veth, a
/// route and a listening socket only the node has), namespace B the targeted pod.
/// </summary>
public sealed class CaptureMetadataScopeTests
{
    private const int NodePort = 7311;
    private const int PodPort = 7312;
    private const string NodeOnlyRoute = "10.99.31.0/24";

    [KernelFact]
    public async Task A_pod_targeted_capture_carries_the_pods_namespace_and_no_node_wide_iptables_sockets_or_proc_net()
    {
        await using var bed = await CaptureBed.CreateAsync();
        var (pod, manifest) = await CaptureAsync(bed, CaptureMetadataScope.Pods);

        foreach (var nodeWide in new[] { "iptables-rules.txt", "socket-stats.txt", "ip-resources.txt", "proc-net", "proc-sys-net" })
        {
            Path.Exists(Path.Combine(pod.Root, nodeWide)).ShouldBeFalse(nodeWide);
        }

        var mine = Path.Combine(pod.Root, "pods", bed.Pair.AddressB);
        var ip = File.ReadAllText(Path.Combine(mine, "ip-resources.txt"));
        ip.ShouldContain($"\"local\":\"{bed.Pair.AddressB}\",\"prefixlen\":30"); // ip -j, as Retina bundles it
        ip.ShouldContain(bed.Pair.VethB);
        ip.ShouldNotContain(bed.Pair.VethA);
        ip.ShouldNotContain(NodeOnlyRoute);
        var sockets = File.ReadAllText(Path.Combine(mine, "socket-stats.txt"));
        sockets.ShouldContain($"{bed.Pair.AddressB}:{PodPort}");
        sockets.ShouldNotContain($":{NodePort}");
        File.ReadAllText(Path.Combine(mine, "proc-net", "dev")).ShouldContain(bed.Pair.VethB);
        File.ReadAllText(Path.Combine(mine, "proc-net", "dev")).ShouldNotContain(bed.Pair.VethA);
        Directory.GetDirectories(Path.Combine(pod.Root, "pods")).ShouldHaveSingleItem();

        manifest.GetProperty("spec").GetProperty("metadataScope").GetString().ShouldBe("Pods");
        manifest.GetProperty("notes").EnumerateArray().ShouldContain(n => n.GetString()!.StartsWith("metadata holds only the targeted pods' network namespaces", StringComparison.Ordinal));
    }

    [KernelFact]
    public async Task A_node_wide_capture_carries_the_nodes_state_which_the_pod_scope_leaves_out()
    {
        await using var bed = await CaptureBed.CreateAsync();
        var (node, manifest) = await CaptureAsync(bed, CaptureMetadataScope.Node);

        File.Exists(Path.Combine(node.Root, "iptables-rules.txt")).ShouldBeTrue();
        File.ReadAllText(Path.Combine(node.Root, "ip-resources.txt")).ShouldContain(NodeOnlyRoute);
        File.ReadAllText(Path.Combine(node.Root, "socket-stats.txt")).ShouldContain($"{bed.Pair.AddressA}:{NodePort}");
        Directory.Exists(Path.Combine(node.Root, "pods")).ShouldBeFalse();
        manifest.GetProperty("spec").GetProperty("metadataScope").GetString().ShouldBe("Node");
    }

    [KernelFact]
    public async Task A_pod_ip_no_pinned_namespace_holds_is_named_in_the_notes()
    {
        await using var bed = await CaptureBed.CreateAsync();
        var empty = Directory.CreateDirectory(Path.Combine(bed.Root, "no-netns")).FullName;
        var session = await bed.Engine().StartAsync(bed.Request() with
        {
            IncludeMetadata = true, PodIPs = [bed.Pair.AddressB], PodNetworkNamespaceDirectory = empty,
        });

        var dir = await bed.ExtractAsync((await session.StopAsync()).ArtifactPath!);

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "capture.json")));
        manifest.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetString())
            .ShouldContain($"pod IP {bed.Pair.AddressB}: no network namespace under {empty} holds it, so its metadata is left out");
        Directory.Exists(Path.Combine(dir, "pods")).ShouldBeFalse();
    }

    private static async Task<(Extracted Dir, JsonElement Manifest)> CaptureAsync(CaptureBed bed, CaptureMetadataScope scope)
    {
        await NetnsPair.ExecAsync(bed.Pair.NamespaceA, "ip", "route", "add", NodeOnlyRoute, "dev", bed.Pair.VethA);
        await bed.ListenOnAAsync(NodePort);
        await bed.BindOnBAsync(PodPort);
        var session = await bed.Engine().StartAsync(bed.Request() with
        {
            IncludeMetadata = true, MetadataScope = scope, PodIPs = [bed.Pair.AddressB],
        });

        var dir = await bed.ExtractAsync((await session.StopAsync()).ArtifactPath!);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "capture.json")));
        return (new Extracted(dir), manifest.RootElement.Clone());
    }

    private sealed record Extracted(string Root);
}
