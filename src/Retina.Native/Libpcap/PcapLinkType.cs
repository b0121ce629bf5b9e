namespace Retina.Native.Libpcap;

/// <summary>
/// Link types the capture engine handles. Values are libpcap's DLT numbers on Linux (what
/// <c>pcap_open_dead</c> takes); <see cref="PcapLinkTypes.FileValue"/> gives the LINKTYPE number written to files.
/// </summary>
public enum PcapLinkType
{
    /// <summary>Ethernet frames (also loopback, whose frames carry a zeroed Ethernet header).</summary>
    Ethernet = 1,

    /// <summary>Bare IPv4/IPv6 packets with no link header (tun, WireGuard, IP-in-IP).</summary>
    Raw = 12,
}
