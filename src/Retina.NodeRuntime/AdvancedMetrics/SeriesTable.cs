using Prometheus;

namespace Retina.NodeRuntime.AdvancedMetrics;

/// <summary>The live series of one metric: bounded by a cap, each with its last update time and the pods it names.</summary>
internal sealed class SeriesTable(MetricShape shape, Counter counter, int cap)
{
    internal sealed class Series(string[] values, Counter.Child child, string? sourcePod, string? destinationPod)
    {
        public string[] Values { get; } = values;
        public Counter.Child Child { get; } = child;
        public string? SourcePod { get; } = sourcePod;
        public string? DestinationPod { get; } = destinationPod;
        public long LastTouched { get; set; }
    }

    public Dictionary<string, Series> Entries { get; } = new(StringComparer.Ordinal);

    public MetricShape Shape { get; set; } = shape;

    public Counter Counter { get; } = counter;

    public int Cap { get; } = cap;

    /// <summary>True from the first sample refused at the cap until the table shrinks below it again.</summary>
    public bool Capped { get; set; }

    public static string Key(string[] values) => string.Join('\u001f', values);
}
