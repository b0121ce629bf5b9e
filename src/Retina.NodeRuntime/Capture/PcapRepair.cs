using System.Buffers.Binary;

namespace Retina.NodeRuntime.Capture;

/// <summary>After a crash, cuts a classic pcap file back to its last whole record (a torn write at the end) and counts its packets.</summary>
internal static class PcapRepair
{
    public static long TruncateTornRecordAndCountPackets(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        if (stream.Length < PcapFile.HeaderLength)
        {
            stream.SetLength(0);
            return 0;
        }

        long position = PcapFile.HeaderLength;
        long packets = 0;
        Span<byte> header = stackalloc byte[16];
        while (position + 16 <= stream.Length)
        {
            stream.Position = position;
            stream.ReadExactly(header);
            var included = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            if (position + 16 + included > stream.Length)
            {
                break;
            }

            position += 16 + included;
            packets++;
        }

        stream.SetLength(position);
        return packets;
    }

    /// <summary>Repairs a file of either format by its extension.</summary>
    public static long Repair(string path) =>
        path.EndsWith(".pcapng", StringComparison.Ordinal) ? PcapngRepair.TruncateTornBlockAndCountPackets(path) : TruncateTornRecordAndCountPackets(path);
}
