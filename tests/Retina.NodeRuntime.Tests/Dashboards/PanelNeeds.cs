namespace Retina.NodeRuntime.Tests.Dashboards;

/// <summary>What a dashboard panel's data comes from, so a check on a modelled Linux node knows which panels may stay empty.</summary>
public enum PanelNeeds
{
    /// <summary>Any Linux node can fill it: eBPF plugins, /proc/net/{snmp,netstat,dev}, socket tables.</summary>
    LinuxNode,

    /// <summary>
    /// Driver-specific ethtool counters (e.g. rx0_cache_full, tx_send_full from Azure's Mellanox and Hyper-V NIC
    /// drivers): a node whose interfaces are veths and a NIC without such a driver never has them.
    /// </summary>
    NicDriverCounters,

    /// <summary>The dashboard marks the panel "Windows only": Retina fills it from Windows nodes (HNS/VFP counters).</summary>
    WindowsNode,
}
