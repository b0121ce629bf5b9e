using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Retina.Api.NodeRuntime;

/// <summary>A MetricsConfiguration and the generation of it that was merged.</summary>
public sealed class NodeMetricsSource
{
    /// <summary>MetricsConfiguration name.</summary>
    [Required]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>Its metadata.generation.</summary>
    [JsonPropertyName("generation")]
    public long Generation { get; set; }
}
