using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.Capture;

/// <summary>Limits and packet-level options. Every limit is enforced exactly; the first one reached ends the capture.</summary>
[Requires("fileCount", "maxCaptureSize")]
public sealed class CaptureOption
{
    public const int DefaultMaxCaptureSizeMb = 100;
    public const string DefaultDuration = "1m";
    public const int MaxFilterLength = 1024;

    /// <summary>Filters are compiled by libpcap, never run by a shell; these characters have no meaning to libpcap.</summary>
    public const string FilterCharsPattern = "^[^;`$\\r\\n]*$";

    /// <summary>Command-line flags (<c>-w</c>, <c>--foo</c>) are not filter syntax.</summary>
    public const string FlagPattern = @"(^|\s)-[-A-Za-z]";

    public const string FlagMessage = "must be a filter expression, not command-line flags";

    /// <summary>How long to capture (Go duration, e.g. 30s, 5m, 1h). Default 1m.</summary>
    [Duration]
    [JsonPropertyName("duration")]
    public string? Duration { get; set; }

    /// <summary>Snap length: bytes kept of each packet; longer packets are truncated. 0 keeps whole packets (262144).</summary>
    [Range(0, 262144)]
    [JsonPropertyName("packetSize")]
    public int? PacketSize { get; set; }

    /// <summary>Size limit of the capture on each node, in MB (default 100); with fileCount, shared by the rotated files.</summary>
    [Range(1, 102400)]
    [JsonPropertyName("maxCaptureSize")]
    public int? MaxCaptureSize { get; set; }

    /// <summary>Keep the capture as a ring of this many files sharing maxCaptureSize (requires maxCaptureSize): when the ring is full the oldest file is dropped, so the newest traffic is kept (tcpdump -C/-W).</summary>
    [Range(1, 1000)]
    [JsonPropertyName("fileCount")]
    public int? FileCount { get; set; }

    /// <summary>Interfaces to capture on (e.g. eth0). Default: every interface that is up.</summary>
    [MaxItems(64)]
    [ItemPattern(@"^[A-Za-z0-9_.:@-]{1,15}$")]
    [JsonPropertyName("interfaces")]
    public List<string>? Interfaces { get; set; }

    /// <summary>A libpcap filter expression (tcpdump syntax), compiled by libpcap and attached in the kernel; never passed to a shell.</summary>
    [MaxLength(MaxFilterLength)]
    [RegularExpression(FilterCharsPattern)]
    [ForbiddenPattern(FlagPattern, FlagMessage)]
    [JsonPropertyName("pcapFilter")]
    public string? PcapFilter { get; set; }

    /// <summary>Capture only packets from these IP addresses.</summary>
    [MaxItems(256)]
    [IpAddress]
    [JsonPropertyName("sourceIPs")]
    public List<string>? SourceIPs { get; set; }

    /// <summary>Capture only packets to these IP addresses.</summary>
    [MaxItems(256)]
    [IpAddress]
    [JsonPropertyName("destinationIPs")]
    public List<string>? DestinationIPs { get; set; }

    /// <summary>Do not put interfaces into promiscuous mode.</summary>
    [JsonPropertyName("noPromiscuous")]
    public bool? NoPromiscuous { get; set; }

    /// <summary>Stop after this many packets on each node.</summary>
    [Range(1, 1_000_000_000)]
    [JsonPropertyName("maxPackets")]
    public long? MaxPackets { get; set; }

    /// <summary>Include this many seconds of packets from the node's in-memory flight recorder from before the capture started.</summary>
    [Range(0, 300)]
    [JsonPropertyName("preTriggerSeconds")]
    public int? PreTriggerSeconds { get; set; }
}
