namespace Retina.Testing.Prometheus;

/// <summary>How <see cref="PrometheusServer.StartNewAsync(IEnumerable{ScrapeTarget}, PrometheusServerOptions?, CancellationToken)"/> runs Prometheus.</summary>
public sealed class PrometheusServerOptions
{
    /// <summary>Scrape and evaluation interval: 200 ms lets a test see two samples (what rate() needs) within half a second.</summary>
    public TimeSpan ScrapeInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Return only once every target has been scraped successfully (health "up"). Off for a target that starts later.</summary>
    public bool WaitForTargets { get; init; } = true;

    /// <summary>How long to wait for /-/ready and for the targets.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The binary; Debian's package (scripts/install-deps.sh) puts it here.</summary>
    public string Binary { get; init; } = "/usr/bin/prometheus";

    /// <summary>Rule files (alerting and recording rules) Prometheus evaluates every scrape interval.</summary>
    public IReadOnlyList<string> RuleFiles { get; init; } = [];

    /// <summary>Alertmanager to send firing alerts to, e.g. 127.0.0.1:9093; null: none.</summary>
    public string? Alertmanager { get; init; }
}
