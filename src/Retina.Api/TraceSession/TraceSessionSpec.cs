using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Capture;
using Retina.Api.Schema;

namespace Retina.Api.TraceSession;

/// <summary>What to trace, for how long, and where the event records go.</summary>
public sealed class TraceSessionSpec
{
    /// <summary>Which nodes or pods to trace; same choices as a Capture's captureTarget. Pods that start later join.</summary>
    [Required]
    [JsonPropertyName("target")]
    public CaptureTarget Target { get; set; } = new();

    /// <summary>How long to trace (Go duration, e.g. 5m). Unset: the trace runs until it is deleted (a continuous flow log).</summary>
    [Duration]
    [JsonPropertyName("duration")]
    public string? Duration { get; set; }

    /// <summary>Event kinds to record: drop, dns, tcpretrans, tcpreset, connect, sockerror, nfqueue.</summary>
    [Required]
    [MinItems(1)]
    [MaxItems(7)]
    [ItemValues(TraceEventKinds.Drop, TraceEventKinds.Dns, TraceEventKinds.TcpRetrans, TraceEventKinds.TcpReset, TraceEventKinds.Connect,
        TraceEventKinds.SockError, TraceEventKinds.NfQueue)]
    [JsonPropertyName("events")]
    public List<string> Events { get; set; } = [];

    /// <summary>Keep only events that match these addresses, ports and protocols.</summary>
    [JsonPropertyName("filters")]
    public TraceFilters? Filters { get; set; }

    /// <summary>Record one event in this many (1 records every event).</summary>
    [Range(1, 1_000_000)]
    [JsonPropertyName("sampling")]
    public int? Sampling { get; set; }

    /// <summary>Stop after this many events per node (default 100000; unlimited is not offered: use rotation for a continuous log).</summary>
    [Range(1, 100_000_000)]
    [JsonPropertyName("maxEvents")]
    public long? MaxEvents { get; set; }

    /// <summary>Record at most this many events per second per node; the rest are counted as lost with reason RateLimited (default unlimited).</summary>
    [Range(1, 10_000_000)]
    [JsonPropertyName("maxEventsPerSecond")]
    public int? MaxEventsPerSecond { get; set; }

    /// <summary>Where the JSON-lines files go; without it only the status summary is kept.</summary>
    [JsonPropertyName("outputConfiguration")]
    public OutputConfiguration? OutputConfiguration { get; set; }

    /// <summary>How each node's flow log is cut into files.</summary>
    [JsonPropertyName("rotation")]
    public TraceRotation? Rotation { get; set; }

    /// <summary>Delete this TraceSession this many seconds after it finished.</summary>
    [Range(0, 2592000)]
    [JsonPropertyName("ttlSecondsAfterFinished")]
    public int? TtlSecondsAfterFinished { get; set; }
}
