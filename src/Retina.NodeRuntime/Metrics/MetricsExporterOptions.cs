namespace Retina.NodeRuntime.Metrics;

/// <summary>Where /metrics is served.</summary>
public sealed class MetricsExporterOptions
{
    /// <summary>
    /// Listen address: ":10093" (all interfaces), "127.0.0.1:10093", "[::1]:10093"; port 0 picks a
    /// free port (see <see cref="MetricsExporter.BoundAddress"/>).
    /// </summary>
    public string Address { get; set; } = ":10093";

    /// <summary>Path of the endpoint.</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>Who may scrape; null: anyone who can reach the address. <c>/healthz</c> and <c>/readyz</c> (no metric data) are always open, for probes.</summary>
    public IScrapeAuthorizer? Authorizer { get; set; }

    /// <summary>Answers /healthz (liveness); null: always 200.</summary>
    public Func<Health.ProbeAnswer>? Liveness { get; set; }

    /// <summary>Answers /readyz (readiness); null: always 200.</summary>
    public Func<Health.ProbeAnswer>? Readiness { get; set; }

    /// <summary>Serve https with this certificate (required with <see cref="Authorizer"/>: bearer tokens never cross the network in clear).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; set; }
}
