using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.MetricsConfiguration;

/// <summary>Whether the configuration was accepted and how far it has reached the nodes.</summary>
public sealed class MetricsStatus : IResourceStatus
{
    /// <summary>Schema cap on <see cref="Nodes"/>; past it the list holds the first nodes by name and a condition says so.</summary>
    public const int MaxNodes = 5000;

    /// <summary>Initialized, Accepted, Errored or Warning (Retina's states).</summary>
    [AllowedValues("Initialized", "Accepted", "Errored", "Warning")]
    [JsonPropertyName("state")]
    public string? State { get; set; }

    /// <summary>Why the state is what it is; for Errored, every problem with its field path.</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    /// <summary>The last spec that was accepted (Retina's field).</summary>
    [JsonPropertyName("lastKnownSpec")]
    public MetricsSpec? LastKnownSpec { get; set; }

    /// <summary>Accepted, Applied, LabelsIgnored, NodesListTruncated and CardinalityWarning conditions.</summary>
    [MaxItems(16)]
    [JsonPropertyName("conditions")]
    public List<Condition>? Conditions { get; set; }

    /// <summary>The generation this status reflects.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Nodes running this generation, out of all nodes, e.g. 3/3.</summary>
    [JsonPropertyName("nodesReady")]
    public string? NodesReady { get; set; }

    /// <summary>Per node, the generation of this configuration it has applied (at most 5000, by node name; nodesReady counts them all).</summary>
    [MaxItems(MaxNodes)]
    [JsonPropertyName("nodes")]
    public List<MetricsNodeStatus>? Nodes { get; set; }
}
