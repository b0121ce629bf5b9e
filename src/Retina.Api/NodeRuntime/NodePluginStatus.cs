using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Retina.Api.NodeRuntime;

/// <summary>One plugin's state on the node.</summary>
public sealed class NodePluginStatus
{
    /// <summary>Plugin name.</summary>
    [Required]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>Running, Degraded, Failed or Disabled.</summary>
    [AllowedValues("Running", "Degraded", "Failed", "Disabled")]
    [JsonPropertyName("state")]
    public string? State { get; set; }

    /// <summary>Hook in use, e.g. tcx, clsact, tracepoint skb:kfree_skb.</summary>
    [JsonPropertyName("hook")]
    public string? Hook { get; set; }

    /// <summary>Why it is degraded or failed (e.g. tcx unsupported, using clsact).</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }
}
