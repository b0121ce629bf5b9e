using System.Text.Json.Serialization;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.RetinaEndpoint;

/// <summary>Unused beyond the shape every kind shares: the spec is the whole mirror.</summary>
public sealed class RetinaEndpointStatus : IResourceStatus
{
    /// <summary>Conditions (none written today).</summary>
    [MaxItems(8)]
    [JsonPropertyName("conditions")]
    public List<Condition>? Conditions { get; set; }

    /// <summary>The generation this status reflects.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }
}
