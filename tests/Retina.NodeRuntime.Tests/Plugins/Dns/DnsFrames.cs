using System.Buffers.Binary;
using System.Net;

namespace Retina.NodeRuntime.Tests.Plugins.Dns;

/// <summary>Ethernet frames built byte by byte for BPF_PROG_TEST_RUN, between fixed test addresses.</summary>
internal static class DnsFrames
{
    public static readonly byte[] Src6 = IPAddress.Parse("fd00:1::1").GetAddressBytes();
    public static readonly byte[] Dst6 = IPAddress.Parse("fd00:1::53").GetAddressBytes();
    public static readonly byte[] Src4 = [10, 1, 0, 1];
    public static readonly byte[] Dst4 = [10, 1, 0, 53];

    public static byte[] Ethernet(ushort type, byte[] l3) =>
        [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, (byte)(type >> 8), (byte)type, .. l3];

    public static byte[] Ipv4(byte proto, byte[] l4, ushort fragmentFlags = 0)
    {
        var total = 20 + l4.Length;
        byte[] ip = [0x45, 0, (byte)(total >> 8), (byte)total, 0, 1, (byte)(fragmentFlags >> 8), (byte)fragmentFlags, 64, proto, 0, 0, .. Src4, .. Dst4];
        return Ethernet(0x0800, [.. ip, .. l4]);
    }

    public static byte[] Ipv6(byte next, byte[] rest)
    {
        byte[] ip = [0x60, 0, 0, 0, (byte)(rest.Length >> 8), (byte)rest.Length, next, 64, .. Src6, .. Dst6];
        return Ethernet(0x86dd, [.. ip, .. rest]);
    }

    public static byte[] Udp(ushort sport, ushort dport, byte[] payload)
    {
        var len = 8 + payload.Length;
        return [(byte)(sport >> 8), (byte)sport, (byte)(dport >> 8), (byte)dport, (byte)(len >> 8), (byte)len, 0, 0, .. payload];
    }

    public static byte[] Tcp(ushort sport, ushort dport, byte flags, byte[] payload, int options = 0)
    {
        var header = new byte[20 + options];
        BinaryPrimitives.WriteUInt16BigEndian(header, sport);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), dport);
        header[12] = (byte)((header.Length / 4) << 4);
        header[13] = flags;
        header[14] = 0xff;
        for (var i = 20; i < header.Length; i++)
        {
            header[i] = 1; // NOP options
        }

        return [.. header, .. payload];
    }
}
