using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Retina.Api.MetricsConfiguration;

/// <summary>The generation of the configuration a node applied.</summary>
public sealed class MetricsNodeStatus
{
    /// <summary>Node name.</summary>
    [Required]
    [JsonPropertyName("node")]
    public string Node { get; set; } = "";

    /// <summary>Generation of this MetricsConfiguration the node runs.</summary>
    [JsonPropertyName("appliedGeneration")]
    public long? AppliedGeneration { get; set; }
}
