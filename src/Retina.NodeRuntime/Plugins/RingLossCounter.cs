using Retina.Native.Libbpf;
using Retina.NodeRuntime.Metrics;

namespace Retina.NodeRuntime.Plugins;

/// <summary>
/// A program's per-CPU count of events it could not put in its ring buffer (the ring was full), turned into
/// increments of <c>lost_events</c>{type=plugin, reason=ringbuf_full}. Not thread-safe: callers hold their plugin's lock.
/// </summary>
public sealed class RingLossCounter(BpfMap map, string plugin)
{
    private ulong seen;

    public void Report(NodeMetrics metrics)
    {
        var total = map.SumPerCpuU64(0);
        metrics.Lost(plugin, "ringbuf_full", total - seen);
        seen = total;
    }
}
