namespace Retina.Testing.Prometheus;

/// <summary>One active target as /api/v1/targets reports it: health is "up", "down" or "unknown" (not scraped yet).</summary>
public sealed record PrometheusTarget(string ScrapeUrl, string Health, string LastError, IReadOnlyDictionary<string, string> Labels)
{
    public bool IsUp => Health == "up";

    public override string ToString() => $"{ScrapeUrl} {Health}{(LastError.Length > 0 ? $" ({LastError})" : "")}";
}
