using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Retina.NodeRuntime.Enrichment;

/// <summary>
/// An IPv4 or IPv6 address as the 16 bytes the kernel programs use (IPv4 mapped as ::ffff:a.b.c.d),
/// so events from the ring buffer are looked up without building an <see cref="IPAddress"/>.
/// </summary>
public readonly record struct IpKey(UInt128 Value)
{
    private static readonly UInt128 V4Prefix = (UInt128)0xffff << 32;
    private static readonly UInt128 V4Mask = ~(UInt128)0xffffffff;

    /// <summary>From the 16 bytes in network order.</summary>
    public static IpKey FromBytes(ReadOnlySpan<byte> addr16) => new(BinaryPrimitives.ReadUInt128BigEndian(addr16));

    public static IpKey From(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        var mapped = address.AddressFamily == AddressFamily.InterNetwork ? address.MapToIPv6() : address;
        mapped.TryWriteBytes(b, out _);
        return FromBytes(b);
    }

    public static bool TryParse(string? text, out IpKey key)
    {
        key = default;
        if (text is null || !IPAddress.TryParse(text, out var ip))
        {
            return false;
        }

        key = From(ip);
        return true;
    }

    public bool IsV4 => (Value & V4Mask) == V4Prefix;

    public void WriteBytes(Span<byte> addr16) => BinaryPrimitives.WriteUInt128BigEndian(addr16, Value);

    public IPAddress ToIPAddress()
    {
        Span<byte> b = stackalloc byte[16];
        WriteBytes(b);
        return IsV4 ? new IPAddress(b[12..]) : new IPAddress(b);
    }

    public override string ToString() => ToIPAddress().ToString();
}
