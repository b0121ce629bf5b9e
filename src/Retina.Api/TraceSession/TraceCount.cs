using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Retina.Api.TraceSession;

/// <summary>A value and how often it was seen.</summary>
public sealed class TraceCount
{
    /// <summary>The value (a drop reason, or a DNS name with its rcode).</summary>
    [Required]
    [JsonPropertyName("value")]
    public string Value { get; set; } = "";

    /// <summary>How often it was seen.</summary>
    [JsonPropertyName("count")]
    public long Count { get; set; }
}
