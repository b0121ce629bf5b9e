using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Plugins.Dns;

namespace Retina.NodeRuntime.Trace;

/// <summary>One kernel trace event, decoded: what every trace on the node filters, enriches and writes.</summary>
public sealed class TraceRecord
{
    /// <summary>TraceEventKinds value: drop, dns, tcpretrans, tcpreset, connect, sockerror, nfqueue.</summary>
    public required string Kind { get; init; }

    public DateTimeOffset Time { get; init; }

    public IpKey Source { get; init; }

    public IpKey Destination { get; init; }

    public ushort SourcePort { get; init; }

    public ushort DestinationPort { get; init; }

    /// <summary>4 or 6.</summary>
    public byte IpVersion { get; init; }

    /// <summary>IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6).</summary>
    public byte Protocol { get; init; }

    public byte TcpFlags { get; init; }

    /// <summary>The socket's TCP state number, when the event came from a socket.</summary>
    public byte TcpState { get; init; }

    public uint Ifindex { get; init; }

    /// <summary>0 ingress, 1 egress, 2 unknown (RETINA_DIR_*).</summary>
    public uint Direction { get; init; }

    /// <summary>Drops: the kernel's drop reason name (enum skb_drop_reason without its prefix).</summary>
    public string? DropReason { get; init; }

    /// <summary>Drops: the kernel function that freed the packet, when it was looked up.</summary>
    public string? DropLocation { get; init; }

    /// <summary>Resets: true when this node sent it. Connects: true when accepted here (the flow is the peer's).</summary>
    public bool Flag { get; init; }

    /// <summary>Bytes of the packet, when known.</summary>
    public uint Length { get; init; }

    /// <summary>DNS: the parsed message.</summary>
    public DnsMessage? Dns { get; init; }

    public string ProtocolName => Protocol switch { 6 => "tcp", 17 => "udp", 1 or 58 => "icmp", _ => "ip" + Protocol };
}
