using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Capture;
using Retina.Api.Schema;

namespace Retina.Api.TraceSession;

/// <summary>What to trace, for how long, and where the event records go.</summary>
public sealed class TraceSessionSpec
{
    /// <summary>Which nodes or pods to trace; same choices as a Capture's captureTarget.</summary>
    [Required]
    [JsonPropertyName("target")]
    public CaptureTarget Target { get; set; } = new();

    /// <summary>How long to trace (Go duration, e.g. 5m).</summary>
    [Required]
    [Duration]
    [JsonPropertyName("duration")]
    public string Duration { get; set; } = "";

    /// <summary>Event kinds to record: drop, dns, tcpretrans, tcpreset, connect.</summary>
    [Required]
    [MinItems(1)]
    [MaxItems(5)]
    [ItemValues(TraceEventKinds.Drop, TraceEventKinds.Dns, TraceEventKinds.TcpRetrans, TraceEventKinds.TcpReset, TraceEventKinds.Connect)]
    [JsonPropertyName("events")]
    public List<string> Events { get; set; } = [];

    /// <summary>Record one event in this many (1 records every event).</summary>
    [Range(1, 1_000_000)]
    [JsonPropertyName("sampling")]
    public int? Sampling { get; set; }

    /// <summary>Stop after this many events per node (default 100000).</summary>
    [Range(1, 100_000_000)]
    [JsonPropertyName("maxEvents")]
    public long? MaxEvents { get; set; }

    /// <summary>Where the JSON-lines files go; without it only the status summary is kept.</summary>
    [JsonPropertyName("outputConfiguration")]
    public OutputConfiguration? OutputConfiguration { get; set; }

    /// <summary>Delete this TraceSession this many seconds after it finished.</summary>
    [Range(0, 2592000)]
    [JsonPropertyName("ttlSecondsAfterFinished")]
    public int? TtlSecondsAfterFinished { get; set; }
}
