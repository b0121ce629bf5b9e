namespace Retina.NodeRuntime.Capture;

/// <summary>
/// What one node must capture for one Capture: the controller's assignment in plain form, with credentials resolved.
/// Limits mirror <c>spec.captureConfiguration.captureOption</c>; the filter fields mirror Retina's.
/// </summary>
public sealed record CaptureRequest
{
    public const long BytesPerMegabyte = 1_000_000;
    public const int DefaultSnapLength = 262_144;

    public required string Namespace { get; init; }

    public required string Name { get; init; }

    public string Uid { get; init; } = "";

    public required string NodeName { get; init; }

    /// <summary>The network namespace to capture in (e.g. <c>/run/netns/x</c>); null captures in the runtime's own.</summary>
    public string? NetworkNamespacePath { get; init; }

    /// <summary>Interface names; empty means every interface that is up.</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    /// <summary>A tcpdump-style expression, compiled by libpcap.</summary>
    public string? PcapFilter { get; init; }

    public IReadOnlyList<string> SourceIPs { get; init; } = [];

    public IReadOnlyList<string> DestinationIPs { get; init; } = [];

    /// <summary>Retina syntax: <c>IP</c>, <c>IP:port</c> or <c>*:port</c>; any of them must match.</summary>
    public IReadOnlyList<string> IncludeFilters { get; init; } = [];

    /// <summary>Retina syntax: <c>IP</c>, <c>IP:port</c> or <c>*:port</c>; none of them may match.</summary>
    public IReadOnlyList<string> ExcludeFilters { get; init; } = [];

    /// <summary>Host-network pods as Retina filter tokens (node address and port); OR-ed with <see cref="PodIPs"/>.</summary>
    public IReadOnlyList<string> PodEndpoints { get; init; } = [];

    /// <summary>The Capture's start time, which names the artifact on every node; null uses this session's start.</summary>
    public DateTimeOffset? ArtifactTime { get; init; }

    /// <summary>pcap (default) or pcapng.</summary>
    public string OutputFormat { get; init; } = Api.Capture.CaptureOption.DefaultOutputFormat;

    /// <summary>IPs of the target pods on this node; when set, only their traffic is captured.</summary>
    public IReadOnlyList<string> PodIPs { get; init; } = [];

    /// <summary>Stop after this long; null runs until stopped or another limit is reached.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Bytes of each capture file on disk (headers included). Without rotation the capture stops when the next packet would not fit; with rotation each file of the ring holds up to this much.</summary>
    public long MaxCaptureSizeBytes { get; init; } = 100 * BytesPerMegabyte;

    /// <summary>Stop after exactly this many packets are written.</summary>
    public long? MaxPackets { get; init; }

    /// <summary>Snap length: bytes kept of each packet.</summary>
    public int PacketSize { get; init; } = DefaultSnapLength;

    /// <summary>With 2 or more, the capture is a ring of this many files of MaxCaptureSizeBytes each, oldest deleted first (tcpdump -C/-W).</summary>
    public int FileCount { get; init; } = 1;

    public bool NoPromiscuous { get; init; }

    /// <summary>Start the capture with the packets the node's flight recorder holds from this many seconds before the start (0: none).</summary>
    public int PreTriggerSeconds { get; init; }

    public bool IncludeMetadata { get; init; } = true;

    /// <summary>Node only for node-wide captures (the controller decides it from the target); Pods otherwise, and by default.</summary>
    public CaptureMetadataScope MetadataScope { get; init; } = CaptureMetadataScope.Pods;

    /// <summary>Where the node's pod network namespaces are pinned (containerd and CRI-O: <c>/run/netns</c>), for Pods-scope metadata.</summary>
    public string PodNetworkNamespaceDirectory { get; init; } = "/run/netns";

    /// <summary>Once every remote upload (blob, S3) succeeded, remove the host-path copy (spec.cleanUpAfterUpload).</summary>
    public bool CleanUpAfterUpload { get; init; }

    public HostPathOutputTarget? HostPath { get; init; }

    public BlobOutputTarget? Blob { get; init; }

    public S3OutputTarget? S3 { get; init; }

    /// <summary>Kernel ring memory per interface; null uses the engine default.</summary>
    public int? RingBufferBytesPerInterface { get; init; }
}
