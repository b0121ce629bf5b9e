using Retina.Api.MetricsConfiguration;
using Retina.Api.NodeRuntime;

namespace Retina.NodeRuntime.Tests.AdvancedMetrics;

/// <summary>Builds merged metric specs for tests.</summary>
public static class AdvancedMetricsSpecs
{
    public static MetricsContextOptions Option(string metric, string[]? source = null, string[]? destination = null, string[]? additional = null, string? ttl = null) => new()
    {
        MetricName = metric,
        SourceLabels = source?.ToList(),
        DestinationLabels = destination?.ToList(),
        AdditionalLabels = additional?.ToList(),
        Ttl = ttl,
    };

    public static NodeMetricsSpec Spec(params MetricsContextOptions[] options) => new() { ContextOptions = options.ToList() };

    public static NodeMetricsSpec Spec(string[] includeNamespaces, params MetricsContextOptions[] options) => new()
    {
        ContextOptions = options.ToList(),
        Namespaces = new MetricsNamespaces { Include = includeNamespaces.ToList() },
    };
}
