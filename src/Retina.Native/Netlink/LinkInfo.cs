namespace Retina.Native.Netlink;

/// <summary>
/// One network interface as rtnetlink describes it in the namespace that listed it.
/// <see cref="Index"/> is unique only within that namespace.
/// </summary>
/// <param name="Kind">IFLA_INFO_KIND: "veth", "netkit", "bridge", "vxlan"…; empty for a physical NIC or loopback.</param>
/// <param name="LinkIndex">IFLA_LINK: the peer of a veth/netkit, the lower device of a vlan/macvlan; null when absent.</param>
/// <param name="LinkNetnsId">IFLA_LINK_NETNSID: set when <see cref="LinkIndex"/> lives in another network namespace.</param>
/// <param name="MasterIndex">IFLA_MASTER: the bridge or bond this interface is a port of.</param>
/// <param name="HardwareType">ifi_type (ARPHRD_*): 1 for Ethernet, 772 loopback, 65534 for layer-3 devices (WireGuard, tun, ipip).</param>
public sealed record LinkInfo(uint Index, string Name, string Kind, uint Flags, uint? LinkIndex, int? LinkNetnsId, uint? MasterIndex, ushort HardwareType = LinkInfo.Ethernet)
{
    public const ushort Ethernet = 1;

    private const uint IffUp = 0x1;
    private const uint IffLoopback = 0x8;

    public bool IsUp => (Flags & IffUp) != 0;

    public bool IsLoopback => (Flags & IffLoopback) != 0;

    /// <summary>
    /// A pod's host-side interface, found by what it is: a veth or netkit device whose peer lives in
    /// another network namespace (never by name, which every CNI chooses differently).
    /// </summary>
    public bool IsPodInterface => Kind is "veth" or "netkit" && LinkNetnsId is not null;
}
