using System.Buffers.Binary;

namespace Retina.NodeRuntime.Bench;

/// <summary>Ethernet frames for BPF_PROG_TEST_RUN.</summary>
internal static class Packets
{
    /// <summary>A 64-byte Ethernet/IPv4/UDP frame to <paramref name="dport"/>, or TCP with <paramref name="tcpFlags"/>.</summary>
    public static byte[] Frame(int dport, byte? tcpFlags = null, byte[]? payload = null)
    {
        var l4 = tcpFlags is null ? 8 : 20;
        var body = payload ?? new byte[64 - 14 - 20 - l4];
        var f = new byte[14 + 20 + l4 + body.Length];
        f[12] = 0x08; // IPv4
        var ip = f.AsSpan(14);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + l4 + body.Length));
        ip[8] = 64;
        ip[9] = (byte)(tcpFlags is null ? 17 : 6);
        ip[12] = 10; ip[13] = 200; ip[15] = 1;
        ip[16] = 10; ip[17] = 200; ip[19] = 2;
        var t = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(t, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(t[2..], (ushort)dport);
        if (tcpFlags is null)
        {
            BinaryPrimitives.WriteUInt16BigEndian(t[4..], (ushort)(8 + body.Length));
        }
        else
        {
            t[12] = 0x50;
            t[13] = tcpFlags.Value;
        }

        body.CopyTo(t[l4..]);
        return f;
    }

    public static byte[] DnsQuery()
    {
        var q = new List<byte> { 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in new[] { "kubernetes", "default", "svc", "cluster", "local" })
        {
            q.Add((byte)label.Length);
            q.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }

        q.AddRange(new byte[] { 0, 0, 1, 0, 1 });
        return Frame(53, null, q.ToArray());
    }
}
