namespace Retina.NodeRuntime.AdvancedMetrics;

/// <summary>How pod-level metrics are shaped and bounded on this node.</summary>
public sealed class AdvancedMetricsOptions
{
    /// <summary>
    /// Remote context (default): series name both ends with <c>source_</c>/<c>destination_</c>
    /// prefixed labels. Local context: series name only the pod on this node, unprefixed, with the
    /// union of the source and destination label tokens.
    /// </summary>
    public bool RemoteContext { get; set; } = true;

    /// <summary>Most series per metric; beyond it samples are counted in the overflow counter instead.</summary>
    public int MaxSeriesPerMetric { get; set; } = 10_000;

    /// <summary>Most distinct DNS query names in the query label; others become "other".</summary>
    public int MaxDnsQueryNames { get; set; } = 1000;

    /// <summary>How often stale series (per-metric ttl) are looked for, besides before every scrape.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);
}
