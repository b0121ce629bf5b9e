using System.Buffers.Binary;
using Retina.Native.Libpcap;

namespace Retina.NodeRuntime.Capture;

/// <summary>
/// One classic pcap file (nanosecond timestamps, magic a1b23c4d). With one interface the packets keep its link type;
/// with several, each packet gets a Linux cooked v2 header (LINKTYPE_LINUX_SLL2, 276) naming its interface index and
/// direction, so no information is lost to the single link type a pcap file allows.
/// </summary>
internal sealed class PcapFile : ICaptureFile
{
    public const int HeaderLength = 24;
    public const ushort LinkTypeLinuxSll2 = 276;
    private const int RecordHeader = 16;
    private const int Sll2Header = 20;
    private const int EthernetHeader = 14;
    private readonly FileStream stream;
    private readonly IReadOnlyList<CaptureInterface> interfaces;
    private readonly int snapLength;
    private readonly bool cooked;
    private byte[] scratch = new byte[64 * 1024];

    public PcapFile(string path, IReadOnlyList<CaptureInterface> interfaces, int snapLength, bool cooked)
    {
        Path = path;
        this.interfaces = interfaces;
        this.snapLength = snapLength;
        this.cooked = cooked;
        stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 20);
        Span<byte> h = stackalloc byte[HeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0xA1B23C4D);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], (uint)snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], cooked ? LinkTypeLinuxSll2 : PcapLinkTypes.FileValue(interfaces[0].LinkType));
        stream.Write(h);
        Length = HeaderLength;
    }

    public string Path { get; }

    public long Length { get; private set; }

    /// <summary>Bytes one packet takes: the record header plus what is kept (with the SLL2 header in place of Ethernet's when cooked).</summary>
    public static int RecordLength(bool cooked, PcapLinkType linkType, int capturedLength, bool vlan, int snapLength) =>
        RecordHeader + Kept(cooked, linkType, capturedLength, vlan, snapLength);

    public void Write(int interfaceId, long timestampNs, ReadOnlySpan<byte> data, int originalLength, uint? vlanTag, byte packetType)
    {
        var itf = interfaces[interfaceId];
        var kept = Kept(cooked, itf.LinkType, data.Length, vlanTag is not null, snapLength);
        var total = RecordHeader + kept;
        if (scratch.Length < total)
        {
            scratch = new byte[total * 2];
        }

        var b = scratch.AsSpan(0, total);
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)(timestampNs / 1_000_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], (uint)(timestampNs % 1_000_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(b[8..], (uint)kept);
        var body = b[RecordHeader..];
        int original;
        if (!cooked)
        {
            original = originalLength + (vlanTag is null ? 0 : 4);
            WithVlan(data, vlanTag, body);
        }
        else
        {
            original = WriteCooked(itf, data, originalLength, vlanTag, packetType, body);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(b[12..], (uint)original);
        stream.Write(b);
        Length += total;
    }

    public void Flush() => stream.Flush();

    public void Dispose() => stream.Dispose();

    private static int Kept(bool cooked, PcapLinkType linkType, int capturedLength, bool vlan, int snapLength)
    {
        if (!cooked)
        {
            return capturedLength + (vlan ? 4 : 0);
        }

        var payload = linkType == PcapLinkType.Ethernet && capturedLength >= EthernetHeader ? capturedLength - EthernetHeader + (vlan ? 4 : 0) : capturedLength;
        return Math.Min(Sll2Header + payload, Math.Max(snapLength, Sll2Header));
    }

    private static void WithVlan(ReadOnlySpan<byte> data, uint? vlanTag, Span<byte> body)
    {
        if (vlanTag is { } tag && data.Length >= 12)
        {
            data[..12].CopyTo(body);
            BinaryPrimitives.WriteUInt32BigEndian(body[12..], tag);
            data[12..].CopyTo(body[16..]);
        }
        else
        {
            data.CopyTo(body);
        }
    }

    /// <summary>Writes the SLL2 header and the payload into <paramref name="body"/> (already sized); returns the original length.</summary>
    private static int WriteCooked(CaptureInterface itf, ReadOnlySpan<byte> data, int originalLength, uint? vlanTag, byte packetType, Span<byte> body)
    {
        var ethernet = itf.LinkType == PcapLinkType.Ethernet && data.Length >= EthernetHeader;
        ushort protocol;
        ReadOnlySpan<byte> payload;
        Span<byte> vlanPrefix = stackalloc byte[4];
        var prefix = 0;
        if (ethernet)
        {
            protocol = BinaryPrimitives.ReadUInt16BigEndian(data[12..]);
            payload = data[EthernetHeader..];
            if (vlanTag is { } tag)
            {
                // The stripped 802.1Q tag comes back as the payload's first four bytes (TCI, then the inner EtherType).
                BinaryPrimitives.WriteUInt16BigEndian(vlanPrefix, (ushort)tag);
                BinaryPrimitives.WriteUInt16BigEndian(vlanPrefix[2..], protocol);
                protocol = (ushort)(tag >> 16);
                prefix = 4;
            }
        }
        else
        {
            protocol = data.Length > 0 && data[0] >> 4 == 6 ? (ushort)0x86DD : data.Length > 0 && data[0] >> 4 == 4 ? (ushort)0x0800 : (ushort)0;
            payload = data;
        }

        body[..Sll2Header].Clear();
        BinaryPrimitives.WriteUInt16BigEndian(body, protocol);
        BinaryPrimitives.WriteUInt32BigEndian(body[4..], (uint)itf.IfIndex);
        BinaryPrimitives.WriteUInt16BigEndian(body[8..], (ushort)(!ethernet ? 65534 : itf.Name == "lo" ? 772 : 1));
        body[10] = packetType;
        if (ethernet)
        {
            body[11] = 6;
            data[6..12].CopyTo(body[12..]);
        }

        var room = body.Length - Sll2Header;
        var rest = body[Sll2Header..];
        var fromPrefix = Math.Min(prefix, room);
        vlanPrefix[..fromPrefix].CopyTo(rest);
        payload[..Math.Min(payload.Length, room - fromPrefix)].CopyTo(rest[fromPrefix..]);
        return Sll2Header + prefix + (ethernet ? originalLength - EthernetHeader : originalLength);
    }
}
