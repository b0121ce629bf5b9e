namespace Retina.NodeRuntime.Plugins.Interfaces;

/// <summary>What an interface of the node's network namespace is, for deciding where a packet is counted.</summary>
public enum InterfaceRole
{
    /// <summary>Never attached: loopback, or a device whose packets are counted on another device.</summary>
    Excluded,

    /// <summary>A host interface: a NIC, a dummy, a veth whose peer is in this namespace…</summary>
    Host,

    /// <summary>A pod's host-side interface: a veth or netkit whose peer lives in another network namespace.</summary>
    Pod,

    /// <summary>An overlay device (vxlan, geneve, ipip…): inner packets, also seen encapsulated on the underlay.</summary>
    Tunnel,
}
