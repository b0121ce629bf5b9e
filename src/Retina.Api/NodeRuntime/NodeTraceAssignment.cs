using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.NodeRuntime;

/// <summary>One TraceSession's work on this node.</summary>
public sealed class NodeTraceAssignment
{
    /// <summary>Unique key: namespace/name/uid of the TraceSession.</summary>
    [Required]
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    /// <summary>Event kinds to record.</summary>
    [MaxItems(5)]
    [JsonPropertyName("events")]
    public List<string>? Events { get; set; }

    /// <summary>Pod IPs to narrow to.</summary>
    [MaxItems(1024)]
    [JsonPropertyName("podIPs")]
    public List<string>? PodIps { get; set; }

    /// <summary>Duration, Go syntax.</summary>
    [JsonPropertyName("duration")]
    public string? Duration { get; set; }

    /// <summary>One in N events.</summary>
    [JsonPropertyName("sampling")]
    public int? Sampling { get; set; }

    /// <summary>Event limit.</summary>
    [JsonPropertyName("maxEvents")]
    public long? MaxEvents { get; set; }

    /// <summary>Stop now.</summary>
    [JsonPropertyName("stop")]
    public bool? Stop { get; set; }
}
