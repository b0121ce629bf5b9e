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
}
