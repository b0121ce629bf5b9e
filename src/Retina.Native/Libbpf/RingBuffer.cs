using System.Runtime.InteropServices;
using Retina.Native.Libc;

namespace Retina.Native.Libbpf;

/// <summary>
/// Consumes a BPF ring buffer map. The handler runs on the polling thread with a span that is
/// only valid during the call: copy what you keep.
/// </summary>
public sealed unsafe class RingBuffer : IDisposable
{
    /// <summary>Handles one record; the span points into the kernel-shared ring.</summary>
    public delegate void RecordHandler(ReadOnlySpan<byte> record);

    private readonly RecordHandler handler;
    private GCHandle self;
    private nint rb;

    public RingBuffer(BpfMap map, RecordHandler handler)
    {
        this.handler = handler;
        self = GCHandle.Alloc(this);
        rb = LibbpfNative.RingBufferNew(map.Fd, &OnSample, GCHandle.ToIntPtr(self), 0);
        if (rb == 0)
        {
            var e = Marshal.GetLastPInvokeError();
            self.Free();
            throw new BpfException($"cannot open ring buffer {map.Name}: {LibC.Describe(e)}", e);
        }
    }

    /// <summary>Exceptions thrown by the handler (they are caught so they never unwind into libbpf).</summary>
    public long HandlerFailures;

    /// <summary>Waits up to <paramref name="timeoutMs"/> for records and handles all available; returns how many.</summary>
    public int Poll(int timeoutMs)
    {
        var rc = LibbpfNative.RingBufferPoll(rb, timeoutMs);
        return rc == -4 ? 0 : rc; // EINTR
    }

    /// <summary>Handles all available records without waiting.</summary>
    public int Consume() => LibbpfNative.RingBufferConsume(rb);

    [UnmanagedCallersOnly]
    private static int OnSample(nint ctx, nint data, nuint size)
    {
        var me = (RingBuffer)GCHandle.FromIntPtr(ctx).Target!;
        try
        {
            me.handler(new ReadOnlySpan<byte>((void*)data, (int)size));
        }
        catch
        {
            Interlocked.Increment(ref me.HandlerFailures);
        }

        return 0;
    }

    public void Dispose()
    {
        var r = Interlocked.Exchange(ref rb, 0);
        if (r != 0)
        {
            LibbpfNative.RingBufferFree(r);
            self.Free();
        }
    }
}
