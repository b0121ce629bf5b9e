using Retina.Native.Libbpf;
using Retina.NodeRuntime.Metrics;

namespace Retina.NodeRuntime.Plugins;

/// <summary>
/// A program's per-CPU count of events it could not put in its ring buffer (the ring was full), turned into
/// increments of <c>lost_events</c>{type=plugin, reason=ringbuf_full}. Not thread-safe: callers hold their plugin's lock.
/// </summary>
/// <param name="total">The count since the counter was made; it must never go back (a program reloaded adds its map to what the last one counted).</param>
public sealed class RingLossCounter(Func<ulong> total, string plugin)
{
    private ulong seen;

    /// <summary>Counts what <paramref name="map"/> (a per-CPU array, key 0) holds: one object's lifetime.</summary>
    public RingLossCounter(BpfMap map, string plugin)
        : this(() => map.SumPerCpuU64(0), plugin)
    {
    }

    public void Report(NodeMetrics metrics)
    {
        var now = total();
        if (now > seen)
        {
            metrics.Lost(plugin, "ringbuf_full", now - seen);
            seen = now;
        }
    }
}
