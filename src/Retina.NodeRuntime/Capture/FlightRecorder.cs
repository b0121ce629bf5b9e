using System.Diagnostics;
using Retina.Native.Libpcap;
using Retina.Native.Packet;

namespace Retina.NodeRuntime.Capture;

/// <summary>
/// Keeps the most recent packets of a network namespace in memory, bounded by bytes, so a capture fired by an alert can
/// begin with what happened before it (<see cref="CaptureRequest.PreTriggerSeconds"/>). Give it to the engine through
/// <see cref="CaptureEngineOptions.FlightRecorder"/>; captures in other namespaces ignore it.
/// </summary>
public sealed class FlightRecorder : IAsyncDisposable
{
    /// <summary>What one recorded packet costs beyond its bytes, counted against <see cref="FlightRecorderOptions.MaxBytes"/>.</summary>
    public const int PerPacketOverheadBytes = 64;

    private readonly FlightRecorderOptions options;
    private readonly IReadOnlyList<PacketRing> rings;
    private readonly Queue<RecordedPacket> packets = new();
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly long[] passedAt;
    private readonly List<Task> readers = [];
    private long bytes;
    private long recorded;
    private long evicted;
    private long maxBytes;
    private long maxAgeNanoseconds;

    private FlightRecorder(FlightRecorderOptions options, IReadOnlyList<CaptureInterface> interfaces, IReadOnlyList<PacketRing> rings)
    {
        this.options = options;
        Interfaces = interfaces;
        this.rings = rings;
        passedAt = new long[rings.Count];
        maxBytes = options.MaxBytes;
        maxAgeNanoseconds = options.MaxAge is { } age ? age.Ticks * 100 : long.MaxValue;
    }

    public IReadOnlyList<CaptureInterface> Interfaces { get; }

    public string? NetworkNamespacePath => options.NetworkNamespacePath;

    /// <summary>Packets recorded since the start, packets evicted to stay within the memory bound, and bytes held now.</summary>
    public (long Recorded, long Evicted, long BytesHeld) Counters
    {
        get
        {
            lock (gate)
            {
                return (recorded, evicted, bytes);
            }
        }
    }

    /// <summary>The memory bound in force now (<see cref="FlightRecorderOptions.MaxBytes"/> until <see cref="Resize"/>).</summary>
    public long MaxBytes
    {
        get
        {
            lock (gate)
            {
                return maxBytes;
            }
        }
    }

    /// <summary>Packets held, and the time between the oldest and the newest of them.</summary>
    public (long Packets, TimeSpan Covered) Held
    {
        get
        {
            lock (gate)
            {
                if (packets.Count == 0)
                {
                    return (0, TimeSpan.Zero);
                }

                // Rings hand blocks over out of order across interfaces: the newest is the largest stamp, not the last added.
                var newest = packets.Max(p => p.TimestampNanoseconds);
                var oldest = packets.Min(p => p.TimestampNanoseconds);
                return (packets.Count, TimeSpan.FromTicks((newest - oldest) / 100));
            }
        }
    }

    /// <summary>Changes the memory bound and the age bound while recording; shrinking evicts the oldest packets at once.</summary>
    public void Resize(long newMaxBytes, TimeSpan? maxAge)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(newMaxBytes);
        lock (gate)
        {
            maxBytes = newMaxBytes;
            maxAgeNanoseconds = maxAge is { } age ? age.Ticks * 100 : long.MaxValue;
            EvictLocked(NowNanoseconds());
        }
    }

    public static async Task<FlightRecorder> StartAsync(FlightRecorderOptions options)
    {
        var opened = await NetworkNamespace.RunAsync(options.NetworkNamespacePath, () => Open(options), "recorder-open").ConfigureAwait(false);
        var recorder = new FlightRecorder(options, opened.Interfaces, opened.Rings);
        for (var i = 0; i < opened.Rings.Count; i++)
        {
            var index = i;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            new Thread(() => recorder.ReadLoop(index, done)) { IsBackground = true, Name = $"recorder-{opened.Interfaces[i].Name}" }.Start();
            recorder.readers.Add(done.Task);
        }

        return recorder;
    }

    /// <summary>
    /// Waits until every packet the kernel stamped before <paramref name="cutoffNs"/> has reached memory, then returns the
    /// recorded packets of <paramref name="interfaces"/> stamped in [<paramref name="fromNs"/>, <paramref name="cutoffNs"/>), oldest first.
    /// </summary>
    internal async Task<IReadOnlyList<RecordedPacket>> TakeAsync(long fromNs, long cutoffNs, IReadOnlySet<int> interfaces, CancellationToken cancellationToken)
    {
        // A block holding a packet stamped before the cutoff is handed over at most one block timeout later.
        var settled = cutoffNs + ((options.RingBlockTimeoutMilliseconds + 10) * 1_000_000L);
        var deadline = Stopwatch.StartNew();
        while (passedAt.Length > 0 && passedAt.Min() < settled && deadline.Elapsed < TimeSpan.FromSeconds(2))
        {
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }

        lock (gate)
        {
            return packets.Where(p => p.TimestampNanoseconds >= fromNs && p.TimestampNanoseconds < cutoffNs && interfaces.Contains(p.IfIndex))
                .OrderBy(p => p.TimestampNanoseconds)
                .ToList();
        }
    }

    internal static long NowNanoseconds() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;

    private void ReadLoop(int index, TaskCompletionSource done)
    {
        var ring = rings[index];
        var sink = new Sink(this, Interfaces[index].IfIndex);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                ring.Wait(50);
                var before = NowNanoseconds();
                ring.Drain(sink);
                Volatile.Write(ref passedAt[index], before);
            }
        }
        catch (PacketException)
        {
            // The interface went away; the others keep recording.
            Volatile.Write(ref passedAt[index], long.MaxValue);
        }
        finally
        {
            done.SetResult();
        }
    }

    private void Add(RecordedPacket packet)
    {
        lock (gate)
        {
            packets.Enqueue(packet);
            bytes += packet.Cost;
            recorded++;
            EvictLocked(packet.TimestampNanoseconds);
        }
    }

    /// <summary>Drops the oldest packets beyond the memory bound, and those older than the age bound (with a second of slack for late blocks).</summary>
    private void EvictLocked(long nowNs)
    {
        var oldestKept = maxAgeNanoseconds == long.MaxValue ? long.MinValue : nowNs - maxAgeNanoseconds - 1_000_000_000L;
        while (packets.Count > 0 && (bytes > maxBytes || packets.Peek().TimestampNanoseconds < oldestKept))
        {
            bytes -= packets.Dequeue().Cost;
            evicted++;
        }
    }

    private static (IReadOnlyList<CaptureInterface> Interfaces, IReadOnlyList<PacketRing> Rings) Open(FlightRecorderOptions options)
    {
        var all = NetworkInterfaces.List();
        var chosen = options.Interfaces.Count > 0
            ? options.Interfaces.Select(n => all.FirstOrDefault(i => i.Name == n) ?? throw new CaptureInterfaceException($"flight recorder: interface \"{n}\" does not exist")).ToList()
            : all.Where(i => i.IsUp && PcapLinkTypes.FromHardwareType(i.HardwareType) is not null).ToList();
        var interfaces = new List<CaptureInterface>();
        var rings = new List<PacketRing>();
        var blockSize = Math.Max(Environment.SystemPageSize, Math.Min(256 * 1024, options.RingBufferBytesPerInterface / 2) / Environment.SystemPageSize * Environment.SystemPageSize);
        try
        {
            foreach (var i in chosen)
            {
                var linkType = PcapLinkTypes.FromHardwareType(i.HardwareType) ?? throw new CaptureInterfaceException($"flight recorder: \"{i.Name}\" has an unsupported link type");
                rings.Add(PacketRing.Open(new PacketRingOptions
                {
                    InterfaceIndex = i.Index,
                    Filter = PcapFilterCompiler.Compile("", linkType, options.SnapLength),
                    BlockSize = blockSize,
                    BlockCount = Math.Max(2, options.RingBufferBytesPerInterface / blockSize),
                    BlockTimeoutMilliseconds = options.RingBlockTimeoutMilliseconds,
                }));
                interfaces.Add(new CaptureInterface(i.Index, i.Name, linkType));
            }
        }
        catch
        {
            foreach (var r in rings)
            {
                r.Dispose();
            }

            throw;
        }

        return (interfaces, rings);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(readers).ConfigureAwait(false);
        foreach (var r in rings)
        {
            r.Dispose();
        }

        stopping.Dispose();
    }

    private sealed class Sink(FlightRecorder recorder, int ifIndex) : IPacketSink
    {
        public bool OnPacket(in PacketView packet)
        {
            recorder.Add(new RecordedPacket(ifIndex, packet.TimestampNanoseconds, packet.OriginalLength, packet.Data.ToArray(), packet.VlanTci, packet.VlanValid, packet.PacketType));
            return true;
        }
    }
}
