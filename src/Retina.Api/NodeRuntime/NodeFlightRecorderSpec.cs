using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.NodeRuntime;

/// <summary>
/// The node's in-memory flight recorder, asked for by the armed CapturePolicies whose captureTemplate has preTriggerSeconds
/// and that may target this node. Written by the controllers; absent means off. The runtime caps maxBytes at its own maximum.
/// </summary>
public sealed class NodeFlightRecorderSpec
{
    /// <summary>Memory for recorded packets (data plus a small per-packet overhead), the largest any of the policies asks for.</summary>
    [Required]
    [Range(1, 1L << 40)]
    [JsonPropertyName("maxBytes")]
    public long MaxBytes { get; set; }

    /// <summary>How far back packets are kept, the longest preTriggerSeconds of the policies; older ones are dropped.</summary>
    [Required]
    [Range(1, 3600)]
    [JsonPropertyName("seconds")]
    public int Seconds { get; set; }

    /// <summary>The policies (namespace/name) that keep the recorder on, for the operator to read.</summary>
    [MaxItems(64)]
    [JsonPropertyName("policies")]
    public List<string>? Policies { get; set; }
}
