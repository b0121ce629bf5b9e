using Retina.Native.Libpcap;

namespace Retina.Native.Packet;

/// <summary>
/// An AF_PACKET socket bound to one interface with a TPACKET_V3 receive ring mapped into our memory. The filter is
/// attached before the socket is bound, so only matching packets ever reach the ring. One thread reads; statistics and
/// disposal may come from others.
/// </summary>
public sealed unsafe class PacketRing : IDisposable
{
    private const uint TpStatusUser = 1;
    private const uint TpStatusVlanValid = 1 << 4;

    private readonly SafePacketSocketHandle socket;
    private readonly Lock statsGate = new();
    private readonly int blockSize;
    private readonly int blockCount;
    private nint map;
    private int current;
    private PacketStatistics total;

    private PacketRing(SafePacketSocketHandle socket, nint map, int blockSize, int blockCount, int interfaceIndex)
    {
        this.socket = socket;
        this.map = map;
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        InterfaceIndex = interfaceIndex;
    }

    public int InterfaceIndex { get; }

    public SafePacketSocketHandle Handle => socket;

    /// <summary>Opens the socket in the network namespace of the calling thread.</summary>
    public static PacketRing Open(PacketRingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Filter.Count is 0 or > ushort.MaxValue)
        {
            throw new ArgumentException("a filter needs 1 to 65535 instructions", nameof(options));
        }

        if (options.BlockSize <= 0 || options.BlockSize % Environment.SystemPageSize != 0 || options.BlockCount <= 0)
        {
            throw new ArgumentException($"block size must be a positive multiple of {Environment.SystemPageSize} and block count positive", nameof(options));
        }

        // Protocol 0: the socket receives nothing until bind, which comes after the filter and the ring.
        var fd = PacketNative.Socket(PacketNative.AfPacket, PacketNative.SockRaw | PacketNative.SockCloexec, 0);
        if (fd < 0)
        {
            throw PacketException.FromLastError("socket(AF_PACKET)");
        }

        var handle = new SafePacketSocketHandle(fd);
        nint map = 0;
        var length = (nuint)((long)options.BlockSize * options.BlockCount);
        try
        {
            var version = PacketNative.TpacketV3;
            Check(PacketNative.SetSockOpt(fd, PacketNative.SolPacket, PacketNative.PacketVersion, &version, sizeof(int)), "setsockopt(PACKET_VERSION)");

            var filter = options.Filter.ToArray();
            fixed (BpfInstruction* instructions = filter)
            {
                var program = new PacketNative.SockFprog { Length = (ushort)filter.Length, Filter = instructions };
                Check(PacketNative.SetSockOpt(fd, PacketNative.SolSocket, PacketNative.SoAttachFilter, &program, (uint)sizeof(PacketNative.SockFprog)), "setsockopt(SO_ATTACH_FILTER)");
            }

            const int frameSize = 2048;
            var request = new PacketNative.TpacketReq3
            {
                BlockSize = (uint)options.BlockSize,
                BlockCount = (uint)options.BlockCount,
                FrameSize = frameSize,
                FrameCount = (uint)(options.BlockSize / frameSize * options.BlockCount),
                RetireBlockTimeoutMs = (uint)options.BlockTimeoutMilliseconds,
            };
            Check(PacketNative.SetSockOpt(fd, PacketNative.SolPacket, PacketNative.PacketRxRing, &request, (uint)sizeof(PacketNative.TpacketReq3)), "setsockopt(PACKET_RX_RING)");

            map = PacketNative.Mmap(0, length, PacketNative.ProtRead | PacketNative.ProtWrite, PacketNative.MapShared, fd, 0);
            if (map == -1)
            {
                map = 0;
                throw PacketException.FromLastError("mmap(packet ring)");
            }

            var address = new PacketNative.SockaddrLl
            {
                Family = PacketNative.AfPacket,
                Protocol = PacketNative.HostToNetwork(PacketNative.EthPAll),
                IfIndex = options.InterfaceIndex,
            };
            Check(PacketNative.Bind(fd, &address, (uint)sizeof(PacketNative.SockaddrLl)), $"bind(ifindex {options.InterfaceIndex})");

            if (options.Promiscuous)
            {
                var membership = new PacketNative.PacketMreq { IfIndex = options.InterfaceIndex, Type = PacketNative.PacketMrPromisc };
                Check(PacketNative.SetSockOpt(fd, PacketNative.SolPacket, PacketNative.PacketAddMembership, &membership, (uint)sizeof(PacketNative.PacketMreq)), "setsockopt(PACKET_ADD_MEMBERSHIP, PROMISC)");
            }

            return new PacketRing(handle, map, options.BlockSize, options.BlockCount, options.InterfaceIndex);
        }
        catch
        {
            if (map != 0)
            {
                PacketNative.Munmap(map, length);
            }

            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMilliseconds"/> for a block, then hands every packet of every ready block to
    /// <paramref name="sink"/> and returns the blocks to the kernel. Returns false once the sink asked to stop.
    /// </summary>
    public bool Read(IPacketSink sink, int timeoutMilliseconds)
    {
        Wait(timeoutMilliseconds);
        return Drain(sink);
    }

    /// <summary>Returns once a block is ready for us or the timeout passed (true when a block is ready).</summary>
    public bool Wait(int timeoutMilliseconds)
    {
        ObjectDisposedException.ThrowIf(map == 0, this);
        if (IsReady(Block(current)))
        {
            return true;
        }

        var pfd = new PacketNative.PollFd { Fd = socket.Fd, Events = PacketNative.PollIn | PacketNative.PollErr };
        if (PacketNative.Poll(&pfd, 1, timeoutMilliseconds) < 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() != PacketNative.Eintr)
        {
            throw PacketException.FromLastError("poll(packet socket)");
        }

        return IsReady(Block(current));
    }

    /// <summary>Hands every packet of the blocks ready now to <paramref name="sink"/> without waiting; false once the sink asked to stop.</summary>
    public bool Drain(IPacketSink sink)
    {
        ObjectDisposedException.ThrowIf(map == 0, this);
        while (IsReady(Block(current)))
        {
            var block = Block(current);
            var keepGoing = Deliver(block, sink);
            Volatile.Write(ref *(uint*)(block + 8), 0u); // TP_STATUS_KERNEL: the block goes back to the kernel
            current = (current + 1) % blockCount;
            if (!keepGoing)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Cumulative kernel counters (the kernel resets its own on every read, so we sum them here).</summary>
    public PacketStatistics ReadStatistics()
    {
        lock (statsGate)
        {
            if (socket.IsClosed)
            {
                return total;
            }

            PacketNative.TpacketStatsV3 stats;
            uint length = (uint)sizeof(PacketNative.TpacketStatsV3);
            var added = false;
            socket.DangerousAddRef(ref added);
            try
            {
                Check(PacketNative.GetSockOpt(socket.Fd, PacketNative.SolPacket, PacketNative.PacketStatistics, &stats, &length), "getsockopt(PACKET_STATISTICS)");
            }
            finally
            {
                if (added)
                {
                    socket.DangerousRelease();
                }
            }

            total += new PacketStatistics(stats.Packets, stats.Drops, stats.FreezeQueueCount);
            return total;
        }
    }

    private const int SockaddrLlOffset = 48;

    private static bool Deliver(byte* block, IPacketSink sink)
    {
        var count = *(uint*)(block + 12);
        var packet = block + *(uint*)(block + 16);
        for (var i = 0; i < count; i++)
        {
            var status = *(uint*)(packet + 20);
            var snap = (int)*(uint*)(packet + 12);
            var view = new PacketView(
                new ReadOnlySpan<byte>(packet + *(ushort*)(packet + 24), snap),
                (int)*(uint*)(packet + 16),
                (*(uint*)(packet + 4) * 1_000_000_000L) + *(uint*)(packet + 8),
                (ushort)*(uint*)(packet + 32),
                (status & TpStatusVlanValid) != 0,
                *(packet + SockaddrLlOffset + 10)); // sockaddr_ll.sll_pkttype follows the 48-byte tpacket3_hdr
            if (!sink.OnPacket(in view))
            {
                return false;
            }

            packet += *(uint*)packet;
        }

        return true;
    }

    private static bool IsReady(byte* block)
    {
        var ready = (Volatile.Read(ref *(uint*)(block + 8)) & TpStatusUser) != 0;
        if (ready)
        {
            Interlocked.MemoryBarrier();
        }

        return ready;
    }

    private byte* Block(int index) => (byte*)map + ((long)index * blockSize);

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw PacketException.FromLastError(call);
        }
    }

    public void Dispose()
    {
        lock (statsGate)
        {
            if (map != 0)
            {
                PacketNative.Munmap(map, (nuint)((long)blockSize * blockCount));
                map = 0;
            }

            socket.Dispose();
        }
    }
}
