using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.TraceSession;

/// <summary>A value, how often it was seen, and the pods it involved.</summary>
public sealed class TraceCount
{
    /// <summary>The value: a drop reason; a DNS name with its rcode ("example.com. NXDOMAIN"); a connection's "source -> destination:port/proto".</summary>
    [Required]
    [JsonPropertyName("value")]
    public string Value { get; set; } = "";

    /// <summary>How often it was seen.</summary>
    [JsonPropertyName("count")]
    public long Count { get; set; }

    /// <summary>The pods (namespace/name) it involved most, or unknown for addresses that are no pod's.</summary>
    [MaxItems(5)]
    [JsonPropertyName("pods")]
    public List<string>? Pods { get; set; }
}
