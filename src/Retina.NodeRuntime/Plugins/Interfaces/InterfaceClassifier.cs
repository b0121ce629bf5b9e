using Retina.Native.Netlink;

namespace Retina.NodeRuntime.Plugins.Interfaces;

/// <summary>
/// Classifies the node's interfaces by what they are (rtnetlink kind, peer namespace, master),
/// never by name: CNIs name pod interfaces veth*, cali*, lxc*, azv*, eni*, gke*, after the pod
/// (Antrea) or after the sandbox id (OVN-Kubernetes).
/// </summary>
/// <remarks>
/// The rule that makes node-wide counting count each packet once: a packet is seen at one ingress
/// and one egress hook of the host namespace at most, so devices that see a packet a second time
/// are excluded: loopback (host-local traffic, not network traffic), masters (bridge, bond, team,
/// openvswitch: their packets were already seen on their ports) and stacked devices (vlan,
/// macvlan, ipvlan on a lower device of this namespace: seen on the lower device). Devices without
/// an Ethernet header (WireGuard, tun, ipip) are left out too: the programs parse Ethernet frames.
/// </remarks>
public static class InterfaceClassifier
{
    private static readonly HashSet<string> Masters = ["bridge", "bond", "team", "openvswitch"];
    private static readonly HashSet<string> Stacked = ["vlan", "macvlan", "macvtap", "ipvlan", "ipvtap"];
    private static readonly HashSet<string> Tunnels =
        ["vxlan", "geneve", "ipip", "sit", "ip6tnl", "gre", "gretap", "ip6gre", "ip6gretap", "erspan", "vti", "vti6", "wireguard", "bareudp"];

    /// <param name="uplinks">Interfaces carrying a default route: a veth among them is the node's uplink (kind, k3d and
    /// nested nodes have a veth for eth0), not a pod's.</param>
    public static (InterfaceRole Role, string Why) Classify(LinkInfo link, IReadOnlySet<string>? uplinks = null)
    {
        if (link.IsLoopback)
        {
            return (InterfaceRole.Excluded, "loopback");
        }

        if (link.HardwareType != LinkInfo.Ethernet)
        {
            return (InterfaceRole.Excluded, $"link type {link.HardwareType} is not Ethernet: the programs read Ethernet frames");
        }

        if (Masters.Contains(link.Kind))
        {
            return (InterfaceRole.Excluded, $"{link.Kind}: counted on its ports");
        }

        if (Stacked.Contains(link.Kind) && link.LinkIndex is > 0 && link.LinkNetnsId is null)
        {
            return (InterfaceRole.Excluded, $"{link.Kind}: counted on its lower device");
        }

        if (Tunnels.Contains(link.Kind))
        {
            return (InterfaceRole.Tunnel, link.Kind);
        }

        if (link.IsPodInterface && uplinks?.Contains(link.Name) != true)
        {
            return (InterfaceRole.Pod, link.Kind);
        }

        return (InterfaceRole.Host, link.Kind.Length == 0 ? "device" : link.Kind);
    }
}
