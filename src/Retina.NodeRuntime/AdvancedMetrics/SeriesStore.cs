using Prometheus;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Metrics;

namespace Retina.NodeRuntime.AdvancedMetrics;

/// <summary>
/// The live series of every pod-level metric: one bounded <see cref="SeriesTable"/> per metric, an
/// index from pod to the series naming it, and the health metrics about them. Not thread-safe:
/// <see cref="PodLevelMetrics"/> serialises access.
/// </summary>
internal sealed class SeriesStore(MetricFactory factory, int cap, TimeProvider time)
{
    private readonly Dictionary<string, SeriesTable> tables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<(SeriesTable Table, string Key)>> byPod = new(StringComparer.Ordinal);
    private readonly Counter overflow = factory.CreateCounter(NodeMetrics.HealthPrefix + "adv_series_overflow_total", "Pod-level samples not recorded because their metric reached its series cap, by metric.", "metric");
    private readonly Counter expired = factory.CreateCounter(NodeMetrics.HealthPrefix + "expired_series_total", "Pod-level series removed because their ttl passed or their pod was deleted, by metric and cause.", "metric", "cause");
    private readonly Gauge live = factory.CreateGauge(NodeMetrics.HealthPrefix + "adv_series", "Live pod-level series, by metric.", "metric");

    public int Count => tables.Count;

    public bool Contains(string metric) => tables.ContainsKey(metric);

    public int SeriesCount(string metric) => tables.TryGetValue(metric, out var t) ? t.Entries.Count : 0;

    public IReadOnlyList<string> Capped =>
        tables.Values.Where(t => t.Capped).Select(t => $"{t.Shape.MetricName}={t.Cap}").Order(StringComparer.Ordinal).ToList();

    /// <summary>Keeps metrics whose label set is unchanged (with their series), drops the others, adds new ones.</summary>
    public void Reshape(IReadOnlyDictionary<string, MetricShape> shapes)
    {
        foreach (var (name, table) in tables.ToList())
        {
            if (shapes.TryGetValue(name, out var shape) && shape.SameLabels(table.Shape))
            {
                table.Shape = shape;
                continue;
            }

            RemoveAll(table);
            tables.Remove(name);
            live.RemoveLabelled(name);
        }

        foreach (var (name, shape) in shapes)
        {
            if (!tables.ContainsKey(name))
            {
                var counter = factory.CreateCounter(NodeMetrics.NodePrefix + shape.ExportedName, AdvancedMetricNames.Help(name), shape.LabelNames);
                tables[name] = new SeriesTable(shape, counter, cap);
                live.WithLabels(name).Set(0);
            }
        }
    }

    public void Add(string metric, in FlowSample f, PodInfo? src, PodInfo? dst, ReadOnlySpan<string> own, double value)
    {
        if (!tables.TryGetValue(metric, out var table))
        {
            return;
        }

        var shape = table.Shape;
        var values = shape.Values(f, src, dst, own);
        var key = SeriesTable.Key(values);
        if (!table.Entries.TryGetValue(key, out var series))
        {
            if (table.Entries.Count >= table.Cap)
            {
                table.Capped = true;
                overflow.WithLabels(metric).Inc();
                return;
            }

            string? srcPod, dstPod;
            if (shape.Remote)
            {
                srcPod = shape.SourceIdentifiesPod ? src?.Key : null;
                dstPod = shape.DestinationIdentifiesPod ? dst?.Key : null;
            }
            else
            {
                srcPod = shape.SourceIdentifiesPod ? (f.Direction == TrafficDirection.Egress ? src : dst)?.Key : null;
                dstPod = null;
            }

            series = new SeriesTable.Series(values, table.Counter.WithLabels(values), srcPod, dstPod);
            table.Entries[key] = series;
            Index(srcPod, table, key);
            Index(dstPod, table, key);
            live.WithLabels(metric).Set(table.Entries.Count);
        }

        series.LastTouched = time.GetTimestamp();
        series.Child.Inc(value);
    }

    /// <summary>Removes series whose metric's ttl passed since their last update.</summary>
    public void Expire()
    {
        var now = time.GetTimestamp();
        foreach (var table in tables.Values)
        {
            if (table.Shape.Ttl is not { } ttl)
            {
                continue;
            }

            var limit = now - (long)(ttl.TotalSeconds * time.TimestampFrequency);
            foreach (var key in table.Entries.Where(e => e.Value.LastTouched < limit).Select(e => e.Key).ToList())
            {
                Remove(table, key, "ttl");
            }
        }
    }

    /// <summary>Removes every series naming the pod.</summary>
    public void RemovePod(string podKey)
    {
        if (!byPod.Remove(podKey, out var set))
        {
            return;
        }

        foreach (var (table, key) in set)
        {
            Remove(table, key, "pod_deleted");
        }
    }

    public void Clear()
    {
        foreach (var table in tables.Values)
        {
            RemoveAll(table);
            live.RemoveLabelled(table.Shape.MetricName);
        }

        tables.Clear();
    }

    private void Index(string? pod, SeriesTable table, string key)
    {
        if (pod is null)
        {
            return;
        }

        if (!byPod.TryGetValue(pod, out var set))
        {
            set = [];
            byPod[pod] = set;
        }

        set.Add((table, key));
    }

    private void Unindex(string? pod, SeriesTable table, string key)
    {
        if (pod is not null && byPod.TryGetValue(pod, out var set) && set.Remove((table, key)) && set.Count == 0)
        {
            byPod.Remove(pod);
        }
    }

    private void Remove(SeriesTable table, string key, string cause)
    {
        if (!table.Entries.Remove(key, out var s))
        {
            return;
        }

        table.Counter.RemoveLabelled(s.Values);
        Unindex(s.SourcePod, table, key);
        Unindex(s.DestinationPod, table, key);
        expired.WithLabels(table.Shape.MetricName, cause).Inc();
        if (table.Entries.Count < table.Cap)
        {
            table.Capped = false;
        }

        live.WithLabels(table.Shape.MetricName).Set(table.Entries.Count);
    }

    private void RemoveAll(SeriesTable table)
    {
        foreach (var s in table.Entries.Values)
        {
            table.Counter.RemoveLabelled(s.Values);
        }

        foreach (var (pod, set) in byPod.ToList())
        {
            if (set.RemoveWhere(e => ReferenceEquals(e.Table, table)) > 0 && set.Count == 0)
            {
                byPod.Remove(pod);
            }
        }

        table.Entries.Clear();
    }
}
