using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Retina.Api.NodeRuntime;

/// <summary>One plugin the node must run.</summary>
public sealed class NodePluginSpec
{
    /// <summary>Plugin name.</summary>
    [Required]
    [AllowedValues("packetforward", "dropreason", "dns", "tcpretrans", "linuxutil", "packetparser", "apiserverlatency")]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>Plugin settings (e.g. interfaces).</summary>
    [JsonPropertyName("settings")]
    public Dictionary<string, string>? Settings { get; set; }
}
