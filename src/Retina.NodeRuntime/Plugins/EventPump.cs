using System.Buffers;
using System.Threading.Channels;
using Retina.Native.Libbpf;
using Retina.NodeRuntime.Metrics;

namespace Retina.NodeRuntime.Plugins;

/// <summary>
/// Moves records from a BPF ring buffer into a channel (copied inside the libbpf callback) and hands them to a consumer
/// task. At most <c>capacity</c> records wait while the consumer handles one; every record beyond that is counted in
/// lost_events_counter{type, reason="channel_full"} (when given the metrics) and in <see cref="Lost"/>; kernel-side losses
/// are counted by the plugin.
/// </summary>
/// <remarks>
/// The room is counted here (<c>pending</c>), not by a bounded channel: a bounded channel frees a record's room only
/// once the consumer's task has run and read it, so a record given to an idle consumer still took the room while that
/// task was being scheduled, and with a capacity of 1 the next record of the same poll batch (microseconds later) was
/// counted lost although nothing was behind.
/// </remarks>
public sealed class EventPump : IAsyncDisposable
{
    private readonly RingBuffer ring;
    private readonly Channel<(byte[] Buffer, int Length)> channel;
    private readonly Action<ReadOnlyMemory<byte>> handle;
    private readonly LostRecord? onLost;
    private readonly NodeMetrics? metrics;
    private readonly string type;
    private readonly Thread poller;
    private readonly Task consumer;
    private const int PollIntervalMs = 50;
    private readonly long room;
    private volatile bool stopping;
    private long received;
    private long handled;
    private long lost;

    // Records given to the consumer and not yet handled, the one in its hands included: the poller takes room, the
    // consumer gives it back once the handler returned, so the room is free however late the consumer's task is scheduled.
    private long pending;

    /// <summary>Told of each record the channel had no room for (on the polling thread: keep it cheap), so a consumer can say whose it was.</summary>
    public delegate void LostRecord(ReadOnlySpan<byte> record);

    public EventPump(BpfMap ringMap, string type, NodeMetrics? metrics, int capacity, Action<ReadOnlyMemory<byte>> handle, LostRecord? onLost = null)
    {
        this.onLost = onLost;
        this.type = type;
        this.metrics = metrics;
        this.handle = handle;
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        room = capacity + 1L;
        // Unbounded: pending bounds it to room records.
        channel = Channel.CreateUnbounded<(byte[], int)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        ring = new RingBuffer(ringMap, OnRecord);
        poller = new Thread(Poll) { IsBackground = true, Name = "ringbuf " + type };
        poller.Start();
        consumer = Task.Run(ConsumeAsync);
    }

    /// <summary>Records taken from the ring buffer.</summary>
    public long Received => Interlocked.Read(ref received);

    /// <summary>Records handed to the consumer.</summary>
    public long Handled => Interlocked.Read(ref handled);

    /// <summary>Records taken but never handled: the channel was full, or the consumer threw.</summary>
    public long Lost => Interlocked.Read(ref lost);

    private void OnRecord(ReadOnlySpan<byte> record)
    {
        Interlocked.Increment(ref received);
        if (Interlocked.Increment(ref pending) <= room)
        {
            var buf = ArrayPool<byte>.Shared.Rent(record.Length);
            record.CopyTo(buf);
            if (channel.Writer.TryWrite((buf, record.Length)))
            {
                return;
            }

            // Only a completed channel refuses, and it completes after the poller stopped: counted all the same.
            ArrayPool<byte>.Shared.Return(buf);
        }

        Interlocked.Decrement(ref pending);
        Interlocked.Increment(ref lost);
        metrics?.Lost(type, "channel_full");
        onLost?.Invoke(record);
    }

    private void Poll()
    {
        // The programs wake us only once a batch is waiting: consume after every timeout too,
        // so a lone event waits at most one poll interval.
        while (!stopping)
        {
            ring.Poll(PollIntervalMs);
            ring.Consume();
        }

        ring.Consume();
    }

    private async Task ConsumeAsync()
    {
        await foreach (var (buf, len) in channel.Reader.ReadAllAsync())
        {
            try
            {
                handle(buf.AsMemory(0, len));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Interlocked.Increment(ref lost);
                metrics?.Lost(type, "handler_error");
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buf);
                Interlocked.Decrement(ref pending);
                Interlocked.Increment(ref handled);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (stopping)
        {
            return;
        }

        stopping = true;
        poller.Join();
        channel.Writer.TryComplete();
        await consumer;
        ring.Dispose();
    }
}
