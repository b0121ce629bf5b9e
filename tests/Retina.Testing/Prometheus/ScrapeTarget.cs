namespace Retina.Testing.Prometheus;

/// <summary>
/// One endpoint Prometheus scrapes: <paramref name="Address"/> is host:port (it becomes the <c>instance</c> label),
/// <paramref name="Labels"/> are attached to every series scraped from it, as a real scrape config's target labels
/// attach <c>cluster</c> (Retina's dashboards filter on it).
/// </summary>
public sealed record ScrapeTarget(string Address, string MetricsPath, IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>A target for a full metrics URL such as http://127.0.0.1:41234/metrics.</summary>
    public static ScrapeTarget For(Uri metricsUrl, params (string Name, string Value)[] labels) =>
        new(
            $"{metricsUrl.Host}:{metricsUrl.Port}",
            metricsUrl.AbsolutePath is "" or "/" ? "/metrics" : metricsUrl.AbsolutePath,
            labels.ToDictionary(l => l.Name, l => l.Value, StringComparer.Ordinal));
}
