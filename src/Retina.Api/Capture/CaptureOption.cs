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
    public const string FormatPcap = "pcap";
    public const string FormatPcapng = "pcapng";

    /// <summary>Classic pcap, as Retina's tcpdump writes: tools and scripts of Retina users open <c>*.pcap</c>.</summary>
    public const string DefaultOutputFormat = FormatPcap;
    public const int MaxFilterLength = 1024;

    /// <summary>Filters are compiled by libpcap, never run by a shell; these characters have no meaning to libpcap.</summary>
    public const string FilterCharsPattern = "^[^;`$\\r\\n]*$";

    /// <summary>Command-line flags (<c>-w</c>, <c>--foo</c>) are not filter syntax.</summary>
    public const string FlagPattern = @"(^|\s)-[-A-Za-z]";

    public const string FlagMessage = "must be a filter expression, not command-line flags";

    /// <summary>How long to capture (Go duration, e.g. 30s, 5m, 1h). Without it the capture runs until maxCaptureSize is reached or, with fileCount, as a ring until the Capture is deleted (as in Retina); status.effectiveOptions says which.</summary>
    [Duration]
    [JsonPropertyName("duration")]
    public string? Duration { get; set; }

    /// <summary>Snap length: bytes kept of each packet; longer packets are truncated. 0 keeps whole packets (262144).</summary>
    [Range(0, 262144)]
    [JsonPropertyName("packetSize")]
    public int? PacketSize { get; set; }

    /// <summary>Size limit of the capture file on each node, in MB of 1,000,000 bytes (tcpdump's -C unit; default 100); with fileCount, the limit of each file of the ring (total = maxCaptureSize × fileCount, as in Retina).</summary>
    [Range(1, 102400)]
    [JsonPropertyName("maxCaptureSize")]
    public int? MaxCaptureSize { get; set; }

    /// <summary>Keep the capture as a ring of this many files of maxCaptureSize each (requires maxCaptureSize): when the ring is full the oldest file is dropped, so the newest traffic is kept (tcpdump -C/-W). Without duration the ring runs until the Capture is deleted, bounded by the node's disk budget.</summary>
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

    /// <summary>File format of the capture files: pcap (default, like Retina's tcpdump; with several interfaces each packet keeps its interface in a Linux cooked v2 header, LINKTYPE_LINUX_SLL2, as tcpdump -i any writes) or pcapng (one interface block per interface).</summary>
    [AllowedValues(FormatPcap, FormatPcapng)]
    [JsonPropertyName("outputFormat")]
    public string? OutputFormat { get; set; }

    /// <summary>Retina: tcpdump -U. Accepted for compatibility; no effect on the file (every packet reaches the file within the flush interval).</summary>
    [JsonPropertyName("packetBuffered")]
    public bool? PacketBuffered { get; set; }

    /// <summary>Retina: tcpdump --immediate-mode. Accepted for compatibility; no effect (packets are read from the kernel ring as they arrive).</summary>
    [JsonPropertyName("immediateMode")]
    public bool? ImmediateMode { get; set; }

    /// <summary>Retina: tcpdump -n. Accepted for compatibility; no effect: a capture file holds addresses, never names.</summary>
    [JsonPropertyName("noResolveDNS")]
    public bool? NoResolveDns { get; set; }

    /// <summary>Retina: tcpdump -nn. Accepted for compatibility; no effect: a capture file holds port numbers, never names.</summary>
    [JsonPropertyName("noResolvePort")]
    public bool? NoResolvePort { get; set; }

    /// <summary>Retina: tcpdump -v/-vv/-vvv ("", verbose, extra, max). Accepted for compatibility; only changes tcpdump's printed text, not the file.</summary>
    [AllowedValues("", "verbose", "extra", "max")]
    [JsonPropertyName("verbosity")]
    public string? Verbosity { get; set; }

    /// <summary>Retina: tcpdump -x/-xx/-A/-AA ("", hex, hex-with-link, ascii, ascii-with-link). Accepted for compatibility; only changes printed text, not the file.</summary>
    [AllowedValues("", "hex", "hex-with-link", "ascii", "ascii-with-link")]
    [JsonPropertyName("printDataFormat")]
    public string? PrintDataFormat { get; set; }

    /// <summary>Retina: tcpdump -e. Accepted for compatibility; no effect: the file always holds the link-layer header.</summary>
    [JsonPropertyName("printLinkHeader")]
    public bool? PrintLinkHeader { get; set; }

    /// <summary>Retina: tcpdump -q. Accepted for compatibility; only changes printed text, not the file.</summary>
    [JsonPropertyName("quietOutput")]
    public bool? QuietOutput { get; set; }

    /// <summary>Retina: tcpdump -S. Accepted for compatibility; no effect: the file holds the sequence numbers as sent.</summary>
    [JsonPropertyName("absoluteSeq")]
    public bool? AbsoluteSeq { get; set; }

    /// <summary>Retina: tcpdump -t…-ttttt ("", none, unformatted, delta, date, delta-since-first). Accepted for compatibility; the file always holds full timestamps.</summary>
    [AllowedValues("", "none", "unformatted", "delta", "date", "delta-since-first")]
    [JsonPropertyName("timestampFormat")]
    public string? TimestampFormat { get; set; }

    /// <summary>Retina: tcpdump -K. Accepted for compatibility; no effect: checksums are never checked while capturing.</summary>
    [JsonPropertyName("dontVerifyChecksum")]
    public bool? DontVerifyChecksum { get; set; }
}
