namespace Retina.Native.Libpcap;

/// <summary>Maps between libpcap's DLT values, file LINKTYPE values and Linux ARPHRD interface types.</summary>
public static class PcapLinkTypes
{
    /// <summary>The LINKTYPE value written in pcap/pcapng headers (DLT_RAW is 12 in memory but 101 on disk).</summary>
    public static ushort FileValue(PcapLinkType type) => type switch
    {
        PcapLinkType.Ethernet => 1,
        PcapLinkType.Raw => 101,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The link type of what an AF_PACKET SOCK_RAW socket reads on a device of this ARPHRD type, or null when unsupported.</summary>
    public static PcapLinkType? FromHardwareType(ushort arphrd) => arphrd switch
    {
        1 or 772 => PcapLinkType.Ethernet, // ARPHRD_ETHER, ARPHRD_LOOPBACK
        65534 or 519 or 768 or 769 or 776 => PcapLinkType.Raw, // NONE, RAWIP, TUNNEL, TUNNEL6, SIT
        _ => null,
    };
}
