using System.Buffers.Binary;
using System.Text;
using Retina.Native.Libpcap;

namespace Retina.NodeRuntime.Capture;

/// <summary>
/// One pcapng file: a section header, one interface description per captured interface (name, link type, snap length,
/// nanosecond timestamps), then enhanced packet blocks. Sizes are known before writing, so limits can be exact.
/// </summary>
internal sealed class PcapngFile : ICaptureFile
{
    private const int PacketBlockOverhead = 32;
    private readonly FileStream stream;
    private byte[] scratch = new byte[64 * 1024];

    public PcapngFile(string path, IReadOnlyList<CaptureInterface> interfaces, int snapLength)
    {
        Path = path;
        stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 20);
        var header = Header(interfaces, snapLength);
        stream.Write(header);
        Length = header.Length;
    }

    public string Path { get; }

    public long Length { get; private set; }

    public long Packets { get; private set; }

    public static int HeaderLength(IReadOnlyList<CaptureInterface> interfaces, int snapLength) => Header(interfaces, snapLength).Length;

    public static int PacketBlockLength(int capturedLength) => PacketBlockOverhead + Pad4(capturedLength);

    /// <summary>Writes one packet; <paramref name="vlanTag"/> (TPID and TCI) is put back after the MAC addresses when the NIC stripped it.</summary>
    public void Write(int interfaceId, long timestampNs, ReadOnlySpan<byte> data, int originalLength, uint? vlanTag, byte packetType)
    {
        var captured = data.Length + (vlanTag is null ? 0 : 4);
        var total = PacketBlockLength(captured);
        if (scratch.Length < total)
        {
            scratch = new byte[total * 2];
        }

        var b = scratch.AsSpan(0, total);
        BinaryPrimitives.WriteUInt32LittleEndian(b, 6);
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], (uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(b[8..], (uint)interfaceId);
        BinaryPrimitives.WriteUInt32LittleEndian(b[12..], (uint)((ulong)timestampNs >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(b[16..], (uint)timestampNs);
        BinaryPrimitives.WriteUInt32LittleEndian(b[20..], (uint)captured);
        BinaryPrimitives.WriteUInt32LittleEndian(b[24..], (uint)(originalLength + (vlanTag is null ? 0 : 4)));
        var payload = b.Slice(28, Pad4(captured));
        if (vlanTag is { } tag && data.Length >= 12)
        {
            data[..12].CopyTo(payload);
            BinaryPrimitives.WriteUInt32BigEndian(payload[12..], tag);
            data[12..].CopyTo(payload[16..]);
        }
        else
        {
            data.CopyTo(payload);
        }

        payload[captured..].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(b[^4..], (uint)total);
        stream.Write(b);
        Length += total;
        Packets++;
    }

    public void Flush() => stream.Flush();

    public void Dispose() => stream.Dispose();

    private static int Pad4(int n) => (n + 3) & ~3;

    private static byte[] Header(IReadOnlyList<CaptureInterface> interfaces, int snapLength)
    {
        using var ms = new MemoryStream();
        var shbOptions = Option(4, "Retina.NET capture engine"); // shb_userappl
        Block(ms, 0x0A0D0D0A, body =>
        {
            Span<byte> fixedPart = stackalloc byte[16];
            BinaryPrimitives.WriteUInt32LittleEndian(fixedPart, 0x1A2B3C4D);
            BinaryPrimitives.WriteUInt16LittleEndian(fixedPart[4..], 1);
            BinaryPrimitives.WriteUInt16LittleEndian(fixedPart[6..], 0);
            BinaryPrimitives.WriteInt64LittleEndian(fixedPart[8..], -1); // section length unknown
            body.Write(fixedPart);
            body.Write(shbOptions);
            body.Write(EndOfOptions);
        });
        foreach (var itf in interfaces)
        {
            Block(ms, 1, body =>
            {
                Span<byte> fixedPart = stackalloc byte[8];
                BinaryPrimitives.WriteUInt16LittleEndian(fixedPart, PcapLinkTypes.FileValue(itf.LinkType));
                BinaryPrimitives.WriteUInt32LittleEndian(fixedPart[4..], (uint)snapLength);
                body.Write(fixedPart);
                body.Write(Option(2, itf.Name)); // if_name
                body.Write(Option(9, [9])); // if_tsresol: 10^-9
                body.Write(EndOfOptions);
            });
        }

        return ms.ToArray();
    }

    private static ReadOnlySpan<byte> EndOfOptions => [0, 0, 0, 0];

    private static byte[] Option(ushort code, string value) => Option(code, Encoding.UTF8.GetBytes(value));

    private static byte[] Option(ushort code, byte[] value)
    {
        var o = new byte[4 + Pad4(value.Length)];
        BinaryPrimitives.WriteUInt16LittleEndian(o, code);
        BinaryPrimitives.WriteUInt16LittleEndian(o.AsSpan(2), (ushort)value.Length);
        value.CopyTo(o, 4);
        return o;
    }

    private static void Block(MemoryStream ms, uint type, Action<MemoryStream> writeBody)
    {
        using var body = new MemoryStream();
        writeBody(body);
        var total = (uint)(12 + body.Length);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(word, type);
        ms.Write(word);
        BinaryPrimitives.WriteUInt32LittleEndian(word, total);
        ms.Write(word);
        body.Position = 0;
        body.CopyTo(ms);
        ms.Write(word);
    }
}
