using Prometheus;

namespace Retina.NodeRuntime.Plugins;

/// <summary>
/// Turns cumulative kernel counters into counter increments, so a plugin restarted with fresh maps
/// keeps the exported counter monotonic.
/// </summary>
public sealed class CounterDelta
{
    private readonly Dictionary<(Counter, string[]), ulong> last = new(new KeyComparer());

    public void Set(Counter counter, ulong total, params string[] labels)
    {
        var key = (counter, labels);
        var existed = last.TryGetValue(key, out var prev);
        var delta = total >= prev ? total - prev : total;
        last[key] = total;
        if (delta > 0)
        {
            counter.WithLabels(labels).Inc(delta);
        }
        else if (!existed)
        {
            counter.WithLabels(labels); // publish the series at 0 so rate() has a starting point
        }
    }

    private sealed class KeyComparer : IEqualityComparer<(Counter, string[])>
    {
        public bool Equals((Counter, string[]) x, (Counter, string[]) y) =>
            ReferenceEquals(x.Item1, y.Item1) && x.Item2.AsSpan().SequenceEqual(y.Item2);

        public int GetHashCode((Counter, string[]) obj)
        {
            var h = new HashCode();
            h.Add(obj.Item1);
            foreach (var s in obj.Item2)
            {
                h.Add(s);
            }

            return h.ToHashCode();
        }
    }
}
