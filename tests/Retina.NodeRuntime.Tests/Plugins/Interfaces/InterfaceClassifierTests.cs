using Retina.Native.Libc;
using Retina.Native.Netlink;
using Retina.NodeRuntime.Plugins.Interfaces;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Plugins.Interfaces;

public sealed class InterfaceClassifierTests
{
    [KernelFact]
    public async Task Pod_interfaces_are_found_by_their_peer_namespace_whatever_the_CNI_named_them()
    {
        await using var pair = await NetnsPair.CreateAsync("icl");
        var node = pair.NamespaceA;
        var pod = pair.NamespaceB;
        // Antrea (pod name and hash), OVN-Kubernetes (15 hex of the sandbox id), a laptop user's name
        foreach (var name in new[] { "coredns--3f2a1b", "3f2a1b4c5d6e7f8", "mypod" })
        {
            await Shell.CheckAsync("ip", "link", "add", name, "netns", node, "type", "veth", "peer", "name", "p" + name[..4], "netns", pod);
        }

        await NetnsPair.ExecAsync(node, "ip", "link", "add", "vethlocal0", "type", "veth", "peer", "name", "vethlocal1");
        await NetnsPair.ExecAsync(node, "ip", "link", "add", "cni0", "type", "bridge");
        await NetnsPair.ExecAsync(node, "ip", "link", "add", "flannel.1", "type", "vxlan", "id", "1", "dstport", "8472", "dev", pair.VethA);

        await Shell.CheckAsync("ip", "link", "add", "eth0", "netns", node, "type", "veth", "peer", "name", "uplink0", "netns", pod);
        await NetnsPair.ExecAsync(node, "ip", "link", "set", "eth0", "up");
        await NetnsPair.ExecAsync(node, "ip", "route", "add", "default", "dev", "eth0");

        var (links, uplinks) = await NetnsThread.RunOnceAsync(node, () => (Links.List(), DefaultRoutes.Interfaces()), "classify");
        var roles = links.ToDictionary(l => l.Name, l => InterfaceClassifier.Classify(l, uplinks).Role);

        roles["coredns--3f2a1b"].ShouldBe(InterfaceRole.Pod);
        roles["3f2a1b4c5d6e7f8"].ShouldBe(InterfaceRole.Pod);
        roles["mypod"].ShouldBe(InterfaceRole.Pod);
        roles[pair.VethA].ShouldBe(InterfaceRole.Pod, "its peer lives in another namespace");
        roles["eth0"].ShouldBe(InterfaceRole.Host, "a veth carrying the default route is the node's uplink (kind, k3d), not a pod's");
        roles["vethlocal0"].ShouldBe(InterfaceRole.Host, "a veth whose peer is in the same namespace is no pod's");
        roles["vethlocal1"].ShouldBe(InterfaceRole.Host);
        roles["lo"].ShouldBe(InterfaceRole.Excluded);
        roles["cni0"].ShouldBe(InterfaceRole.Excluded, "a bridge's packets are counted on its ports");
        roles["flannel.1"].ShouldBe(InterfaceRole.Tunnel);
    }

    // This kernel has no vlan, macvlan, bond or dummy modules: these kinds are checked on rtnetlink's answer shape.
    [Theory]
    [InlineData("vlan", 2u, null, InterfaceRole.Excluded)]
    [InlineData("macvlan", 2u, null, InterfaceRole.Excluded)]
    [InlineData("macvlan", 2u, 0, InterfaceRole.Host)] // its lower device is in another namespace: seen only here
    [InlineData("bond", null, null, InterfaceRole.Excluded)]
    [InlineData("geneve", null, null, InterfaceRole.Tunnel)]
    [InlineData("netkit", 4u, 1, InterfaceRole.Pod)]
    [InlineData("dummy", null, null, InterfaceRole.Host)]
    [InlineData("", null, null, InterfaceRole.Host)]
    public void Stacked_masters_tunnels_and_netkit_are_classified_by_kind(string kind, uint? link, int? netnsId, InterfaceRole role) =>
        InterfaceClassifier.Classify(new LinkInfo(9, "x", kind, 0x1043, link, netnsId, null)).Role.ShouldBe(role);

    [Fact]
    public void A_layer_3_device_such_as_wireguard_is_left_out_since_the_programs_read_ethernet_frames() =>
        InterfaceClassifier.Classify(new LinkInfo(9, "wg0", "wireguard", 0x1043, null, null, null, 65534)).Role.ShouldBe(InterfaceRole.Excluded);
}
