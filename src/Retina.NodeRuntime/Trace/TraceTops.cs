using Retina.Api.TraceSession;

namespace Retina.NodeRuntime.Trace;

/// <summary>
/// Counts of one summary (drop reasons, DNS failures, talkers) with the pods each involved; <see cref="Top"/> gives
/// the ten largest (ties by value) with their five most involved pods. Values beyond <c>maxValues</c> distinct are
/// folded into "other" so a port scan cannot grow it without bound. Not thread-safe.
/// </summary>
public sealed class TraceTops(int maxValues = 4096)
{
    public const string Other = "other";

    private readonly Dictionary<string, (long Count, Dictionary<string, long> Pods)> values = new(StringComparer.Ordinal);

    public void Add(string value, params string[] pods)
    {
        if (!values.ContainsKey(value) && values.Count >= maxValues)
        {
            value = Other;
        }

        if (!values.TryGetValue(value, out var entry))
        {
            entry = (0, new Dictionary<string, long>(StringComparer.Ordinal));
        }

        foreach (var p in pods.Distinct(StringComparer.Ordinal))
        {
            entry.Pods[p] = entry.Pods.GetValueOrDefault(p) + 1;
        }

        values[value] = (entry.Count + 1, entry.Pods);
    }

    /// <summary>Carries a previous run's summary forward (after a runtime restart).</summary>
    public void Seed(IEnumerable<TraceCount>? counts)
    {
        foreach (var c in counts ?? [])
        {
            var pods = (c.Pods ?? []).ToDictionary(p => p, _ => 1L, StringComparer.Ordinal);
            values[c.Value] = (c.Count, pods);
        }
    }

    public List<TraceCount>? Top(int n = 10) => values.Count == 0 ? null : values
        .OrderByDescending(v => v.Value.Count).ThenBy(v => v.Key, StringComparer.Ordinal)
        .Take(n)
        .Select(v => new TraceCount
        {
            Value = v.Key,
            Count = v.Value.Count,
            Pods = v.Value.Pods.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(5).Select(p => p.Key).ToList(),
        })
        .ToList();
}
