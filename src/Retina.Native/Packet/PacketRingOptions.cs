using Retina.Native.Libpcap;

namespace Retina.Native.Packet;

/// <summary>How to open one AF_PACKET capture socket.</summary>
public sealed record PacketRingOptions
{
    /// <summary>The interface to capture on, in the network namespace of the calling thread.</summary>
    public required int InterfaceIndex { get; init; }

    /// <summary>Classic BPF attached with SO_ATTACH_FILTER before the socket is bound, so no unfiltered packet is ever queued.</summary>
    public required IReadOnlyList<BpfInstruction> Filter { get; init; }

    /// <summary>Put the interface in promiscuous mode for as long as the socket is open (PACKET_MR_PROMISC).</summary>
    public bool Promiscuous { get; init; }

    /// <summary>Size of one ring block; a multiple of the page size. The largest packet kept whole is a little less than this.</summary>
    public int BlockSize { get; init; } = 256 * 1024;

    public int BlockCount { get; init; } = 8;

    /// <summary>How long the kernel waits before handing over a block that is not full, which bounds capture latency.</summary>
    public int BlockTimeoutMilliseconds { get; init; } = 10;
}
