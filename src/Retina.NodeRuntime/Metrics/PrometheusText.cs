using System.Text;

namespace Retina.NodeRuntime.Metrics;

/// <summary>Adjusts prometheus-net's text exposition so `promtool check metrics` accepts it.</summary>
public static class PrometheusText
{
    /// <summary>
    /// Retina's metric names (drop_count, forward_bytes, lost_events_counter…) predate the naming
    /// lint, which wants counters to end in _total and nothing but histograms and summaries in
    /// _count. Dashboards need the names, so such counters go out typed "untyped": PromQL treats
    /// them exactly the same (rate() and increase() work), and the lint is satisfied.
    /// </summary>
    public static string Normalise(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                if (parts.Length == 4 && (parts[3] == "counter" || parts[3] == "gauge") && NeedsUntyped(parts[2], parts[3]))
                {
                    sb.Append("# TYPE ").Append(parts[2]).Append(" untyped").Append('\n');
                    continue;
                }
            }

            sb.Append(line).Append('\n');
        }

        // Split adds one empty element after the final newline.
        sb.Length--;
        return sb.ToString();
    }

    private static bool NeedsUntyped(string name, string type) =>
        name.EndsWith("_count", StringComparison.Ordinal)
        || (type == "counter" && !name.EndsWith("_total", StringComparison.Ordinal));
}
