using System.Buffers.Binary;

namespace Retina.NodeRuntime.Capture;

/// <summary>Makes a pcapng file left by a killed writer readable: cuts a torn last block and counts the packets kept.</summary>
internal static class PcapngRepair
{
    public static long TruncateTornBlockAndCountPackets(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        var header = new byte[8];
        var trailer = new byte[4];
        long offset = 0;
        long packets = 0;
        while (offset + 12 <= file.Length)
        {
            file.Position = offset;
            file.ReadExactly(header);
            var type = BinaryPrimitives.ReadUInt32LittleEndian(header);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            if (length < 12 || length % 4 != 0 || offset + length > file.Length)
            {
                break;
            }

            file.Position = offset + length - 4;
            file.ReadExactly(trailer);
            if (BinaryPrimitives.ReadUInt32LittleEndian(trailer) != length)
            {
                break;
            }

            if (type == 6)
            {
                packets++;
            }

            offset += length;
        }

        file.SetLength(offset);
        return packets;
    }
}
