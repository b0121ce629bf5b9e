using Retina.Testing.Kernel;

namespace Retina.NodeRuntime.Tests.Capture;

/// <summary>Each node is a network namespace: interfaces are keyed by ifindex within it, and nothing leaks across.</summary>
public sealed class CaptureNamespaceTests
{
    private const int Port = 7501;

    [KernelFact]
    public async Task Two_nodes_with_the_same_interface_indexes_each_capture_only_their_own_traffic()
    {
        await using var node1 = await CaptureBed.CreateAsync();
        await using var node2 = await CaptureBed.CreateAsync();
        await node1.ListenOnAAsync(Port);
        await node2.ListenOnAAsync(Port);
        var sender1 = await node1.BindOnBAsync();
        var sender2 = await node2.BindOnBAsync();
        var s1 = await node1.Engine().StartAsync(node1.Request() with { NodeName = "node-1", Interfaces = [], PcapFilter = "udp" });
        var s2 = await node2.Engine().StartAsync(node2.Request() with { NodeName = "node-2", Interfaces = [], PcapFilter = "udp" });
        s1.Interfaces.Single(i => i.Name != "lo").IfIndex.ShouldBe(s2.Interfaces.Single(i => i.Name != "lo").IfIndex);

        CaptureBed.Send(sender1, node1.Pair.AddressA, Port, 11);
        CaptureBed.Send(sender2, node2.Pair.AddressA, Port, 22);
        await CaptureBed.WaitUntilAsync(() => s1.Counters.Packets >= 11 && s2.Counters.Packets >= 22, "both nodes wrote their packets");
        var r1 = await s1.StopAsync();
        var r2 = await s2.StopAsync();

        r1.ArtifactName.ShouldStartWith("cap1-node-1-");
        r2.ArtifactName.ShouldStartWith("cap1-node-2-");
        var f1 = CaptureBed.CaptureFiles(await node1.ExtractAsync(r1.ArtifactPath!)).Single();
        var f2 = CaptureBed.CaptureFiles(await node2.ExtractAsync(r2.ArtifactPath!)).Single();
        (await CaptureBed.TsharkFieldAsync(f1, "ip.dst")).ShouldBe(Enumerable.Repeat(node1.Pair.AddressA, 11));
        (await CaptureBed.TsharkFieldAsync(f2, "ip.dst")).ShouldBe(Enumerable.Repeat(node2.Pair.AddressA, 22));
    }
}
