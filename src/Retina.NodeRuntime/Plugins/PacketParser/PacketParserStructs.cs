using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Retina.NodeRuntime.Plugins.PacketParser;

// Managed mirrors of bpf/packetparser structs; sizes are checked against the object's BTF at start.

[InlineArray(16)]
internal struct Addr16
{
    private byte element;
}

[InlineArray(9)]
internal struct Flags9
{
    private ulong element;
}

[StructLayout(LayoutKind.Sequential)]
internal struct PpConfig
{
    public uint Conntrack;
    public uint Sampling;
    public ulong ReportIntervalNs;
    public uint FilterIps;
    public uint Reserved;
}

[StructLayout(LayoutKind.Sequential)]
internal struct PpCtKey
{
    public Addr16 Saddr;
    public Addr16 Daddr;
    public ushort Sport;
    public ushort Dport;
    public byte Proto;
    public byte Direction;
    public ushort Reserved;
    public uint Ifindex;
}

[StructLayout(LayoutKind.Sequential)]
internal struct PpCtValue
{
    public ulong Packets;
    public ulong Bytes;
    public Flags9 Flags;
    public ulong FirstNs;
    public ulong LastNs;
    public ulong LastReportNs;
    public uint IsReply;
    public uint Reserved;
}

[StructLayout(LayoutKind.Sequential)]
internal struct PpEvent
{
    public ulong FirstNs;
    public PpCtKey Key;
    public byte Kind;
    public byte IsReply;
    public byte TcpFlags;
    public byte Reserved;
    public uint PayloadLen;
    public ulong Packets;
    public ulong Bytes;
    public Flags9 Flags;
}

[StructLayout(LayoutKind.Sequential)]
internal struct PpDropKey
{
    public Addr16 Saddr;
    public Addr16 Daddr;
    public ushort Sport;
    public ushort Dport;
    public byte Proto;
    public byte Direction;
    public ushort Reserved;
    public uint Reason;
}

[StructLayout(LayoutKind.Sequential)]
internal struct PpDropValue
{
    public ulong Packets;
    public ulong Bytes;
}

/// <summary>Event kinds of bpf/packetparser (PP_EV_*).</summary>
internal static class PpEventKind
{
    public const byte New = 1;
    public const byte Control = 2;
    public const byte Report = 3;
    public const byte Packet = 4;
    public const byte Dns = 5;
    public const byte Retransmit = 6;
}
