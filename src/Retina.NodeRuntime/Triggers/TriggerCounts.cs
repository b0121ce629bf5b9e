using Retina.NodeRuntime.Metrics;

namespace Retina.NodeRuntime.Triggers;

/// <summary>
/// One reading of the counters thresholds are judged on, taken from the runtime's own metrics once per tick: drops by
/// kernel reason (dropreason), DNS responses by return code (dns), and TCP retransmits in total and by local address
/// (tcpretrans). Cumulative values; the evaluator turns them into rates.
/// </summary>
public sealed class TriggerCounts
{
    public Dictionary<string, double> DropsByReason { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, double> DnsByRcode { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, double> RetransmitsByIp { get; } = new(StringComparer.Ordinal);

    public double Retransmits { get; private set; }

    /// <summary>Reads the counters; only the families some threshold needs (dropRate, dnsFailureRate, retransmitRate).</summary>
    public static TriggerCounts Read(NodeMetrics metrics, bool drops, bool dns, bool retransmits)
    {
        var counts = new TriggerCounts();
        if (drops)
        {
            foreach (var labels in metrics.DropCount.GetAllLabelValues())
            {
                Add(counts.DropsByReason, labels[0], metrics.DropCount.WithLabels(labels).Value);
            }
        }

        if (dns)
        {
            foreach (var labels in metrics.DnsResponseCount.GetAllLabelValues())
            {
                Add(counts.DnsByRcode, labels[0], metrics.DnsResponseCount.WithLabels(labels).Value);
            }
        }

        if (retransmits)
        {
            foreach (var labels in metrics.TcpRetransCount.GetAllLabelValues())
            {
                var value = metrics.TcpRetransCount.WithLabels(labels).Value;
                Add(counts.RetransmitsByIp, labels[0], value);
                counts.Retransmits += value;
            }
        }

        return counts;
    }

    private static void Add(Dictionary<string, double> into, string key, double value) =>
        into[key] = into.GetValueOrDefault(key) + value;
}
