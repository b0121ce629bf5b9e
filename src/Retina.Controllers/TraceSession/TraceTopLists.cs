using Retina.Api.TraceSession;

namespace Retina.Controllers.TraceSession;

/// <summary>
/// Merges the nodes' top-N lists into one: counts of the same value are summed across nodes; the pods of a value are
/// ranked by the counts of the node entries that named them (ties by name) and cut at 5; the list is ordered by count
/// (ties by value) and cut at 10. Pure and deterministic, so an unchanged input writes an unchanged status.
/// </summary>
public static class TraceTopLists
{
    public const int MaxEntries = 10;
    public const int MaxPods = 5;

    public static List<TraceCount>? Merge(IEnumerable<IEnumerable<TraceCount>?> lists)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var pods = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        foreach (var entry in lists.SelectMany(l => l ?? []))
        {
            counts[entry.Value] = counts.GetValueOrDefault(entry.Value) + entry.Count;
            var weights = pods.TryGetValue(entry.Value, out var w) ? w : pods[entry.Value] = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var pod in entry.Pods ?? [])
            {
                weights[pod] = weights.GetValueOrDefault(pod) + entry.Count;
            }
        }

        if (counts.Count == 0)
        {
            return null;
        }

        return counts
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(MaxEntries)
            .Select(kv => new TraceCount
            {
                Value = kv.Key,
                Count = kv.Value,
                Pods = pods[kv.Key].Count == 0 ? null : pods[kv.Key]
                    .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
                    .Take(MaxPods).Select(p => p.Key).ToList(),
            })
            .ToList();
    }

    /// <summary>Sums per-key counters across nodes (events by kind, lost events by reason); null when there are none.</summary>
    public static Dictionary<string, long>? Sum(IEnumerable<IReadOnlyDictionary<string, long>?> maps)
    {
        var sum = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (k, v) in maps.SelectMany(m => m ?? new Dictionary<string, long>()))
        {
            sum[k] = sum.GetValueOrDefault(k) + v;
        }

        return sum.Count == 0 ? null : new Dictionary<string, long>(sum, StringComparer.Ordinal);
    }
}
