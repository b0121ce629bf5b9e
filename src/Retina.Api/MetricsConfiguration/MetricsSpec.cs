using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.MetricsConfiguration;

/// <summary>The advanced metrics to export and the namespaces they cover.</summary>
public sealed class MetricsSpec
{
    /// <summary>One entry per metric: its name and the context labels it carries.</summary>
    [Required]
    [MinItems(1)]
    [MaxItems(64)]
    [JsonPropertyName("contextOptions")]
    public List<MetricsContextOptions> ContextOptions { get; set; } = [];

    /// <summary>Namespaces whose pods are reported: exactly one of include or exclude.</summary>
    [Required]
    [JsonPropertyName("namespaces")]
    public MetricsNamespaces Namespaces { get; set; } = new();
}
