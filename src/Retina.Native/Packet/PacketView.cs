namespace Retina.Native.Packet;

/// <summary>
/// One packet in the ring, valid only during the callback that receives it: <see cref="Data"/> points into kernel-shared
/// memory that is handed back to the kernel right after the block is processed.
/// </summary>
public readonly ref struct PacketView
{
    public PacketView(ReadOnlySpan<byte> data, int originalLength, long timestampNanoseconds, ushort vlanTci, bool vlanValid, byte packetType = 0)
    {
        PacketType = packetType;
        Data = data;
        OriginalLength = originalLength;
        TimestampNanoseconds = timestampNanoseconds;
        VlanTci = vlanTci;
        VlanValid = vlanValid;
    }

    /// <summary>The captured bytes (at most the snap length), starting at the link-layer header.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>The packet's length on the wire.</summary>
    public int OriginalLength { get; }

    /// <summary>Kernel receive time, nanoseconds since the Unix epoch.</summary>
    public long TimestampNanoseconds { get; }

    /// <summary>The VLAN tag the NIC stripped, when <see cref="VlanValid"/>.</summary>
    public ushort VlanTci { get; }

    public bool VlanValid { get; }

    /// <summary>The kernel's sll_pkttype: 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us (PACKET_OUTGOING).</summary>
    public byte PacketType { get; }
}
