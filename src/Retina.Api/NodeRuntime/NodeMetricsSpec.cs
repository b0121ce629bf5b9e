using System.Text.Json.Serialization;
using Retina.Api.MetricsConfiguration;
using Retina.Api.Schema;

namespace Retina.Api.NodeRuntime;

/// <summary>Pod-level metric shaping merged from every accepted MetricsConfiguration.</summary>
public sealed class NodeMetricsSpec
{
    /// <summary>Schema cap on <see cref="Sources"/>: past it only the first MetricsConfigurations by name are merged; the others say so in status.</summary>
    public const int MaxSources = 256;

    /// <summary>Merged context options, one per metric, sorted by metric name.</summary>
    [MaxItems(64)]
    [JsonPropertyName("contextOptions")]
    public List<MetricsContextOptions>? ContextOptions { get; set; }

    /// <summary>Merged namespace filter.</summary>
    [JsonPropertyName("namespaces")]
    public MetricsNamespaces? Namespaces { get; set; }

    /// <summary>
    /// Pods and namespaces opted in by the <c>retina.sh: observe</c> annotation; null when none (or annotations are off).
    /// A pod is reported when <see cref="Namespaces"/> covers it or it or its namespace is listed here; with no
    /// MetricsConfiguration merged, <see cref="Namespaces"/> is null and only this section covers pods.
    /// </summary>
    [JsonPropertyName("observed")]
    public NodeObservedSpec? Observed { get; set; }

    /// <summary>The MetricsConfigurations merged here, with their generations, and the annotation opt-in's entry: at most 256 configurations (<see cref="MaxSources"/>) plus that entry.</summary>
    [MaxItems(MaxSources + 1)]
    [JsonPropertyName("sources")]
    public List<NodeMetricsSource>? Sources { get; set; }
}
