using System.Text.Json.Serialization;
using Retina.Api.MetricsConfiguration;
using Retina.Api.Schema;

namespace Retina.Api.NodeRuntime;

/// <summary>Pod-level metric shaping merged from every accepted MetricsConfiguration.</summary>
public sealed class NodeMetricsSpec
{
    /// <summary>Merged context options, one per metric, sorted by metric name.</summary>
    [MaxItems(64)]
    [JsonPropertyName("contextOptions")]
    public List<MetricsContextOptions>? ContextOptions { get; set; }

    /// <summary>Merged namespace filter.</summary>
    [JsonPropertyName("namespaces")]
    public MetricsNamespaces? Namespaces { get; set; }

    /// <summary>The MetricsConfigurations merged here, with their generations.</summary>
    [MaxItems(256)]
    [JsonPropertyName("sources")]
    public List<NodeMetricsSource>? Sources { get; set; }
}
