using System.Buffers;
using System.Threading.Channels;
using Retina.Native.Libbpf;

namespace Retina.NodeRuntime.Trace;

/// <summary>
/// bpf/trace's ring buffer into a bounded queue and one consumer, like the plugins' EventPump, but with the records
/// that do not fit counted here: traces report them as lost (WriterBehind), never silently.
/// </summary>
public sealed class TracePump : IAsyncDisposable
{
    private const int PollIntervalMs = 50;
    private readonly RingBuffer ring;
    private readonly Channel<(byte[] Buffer, int Length)> channel;
    private readonly Action<ReadOnlyMemory<byte>> handle;
    private readonly Thread poller;
    private readonly Task consumer;
    private volatile bool stopping;
    private long dropped;

    public TracePump(BpfMap ringMap, int capacity, Action<ReadOnlyMemory<byte>> handle)
    {
        this.handle = handle;
        channel = Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        ring = new RingBuffer(ringMap, OnRecord);
        poller = new Thread(Poll) { IsBackground = true, Name = "ringbuf trace" };
        poller.Start();
        consumer = Task.Run(ConsumeAsync);
    }

    public long Dropped => Interlocked.Read(ref dropped);

    private void OnRecord(ReadOnlySpan<byte> record)
    {
        var buf = ArrayPool<byte>.Shared.Rent(record.Length);
        record.CopyTo(buf);
        if (!channel.Writer.TryWrite((buf, record.Length)))
        {
            ArrayPool<byte>.Shared.Return(buf);
            Interlocked.Increment(ref dropped);
        }
    }

    private void Poll()
    {
        while (!stopping)
        {
            ring.Poll(PollIntervalMs);
            ring.Consume();
        }

        ring.Consume();
    }

    private async Task ConsumeAsync()
    {
        await foreach (var (buf, len) in channel.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                handle(buf.AsMemory(0, len));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // One bad record costs a count, never the consumer.
                Interlocked.Increment(ref dropped);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buf);
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
        await consumer.ConfigureAwait(false);
        ring.Dispose();
    }
}
