using System.Text.Json.Serialization;

namespace Retina.Api.Capture;

/// <summary>
/// What every node runs, defaults filled in, so that no default is silent: the duration (none: until the size limit,
/// or with fileCount until the Capture is deleted), the size limit and its unit, the ring, the file format, the snap
/// length, and the condition that ends the capture, in words.
/// </summary>
public sealed class CaptureEffectiveOptions
{
    /// <summary>The duration, or unset when the capture has none.</summary>
    [JsonPropertyName("duration")]
    public string? Duration { get; set; }

    /// <summary>Size limit of each capture file, in MB of 1,000,000 bytes.</summary>
    [JsonPropertyName("maxCaptureSizeMB")]
    public int? MaxCaptureSizeMb { get; set; }

    /// <summary>Files in the ring (1: no rotation).</summary>
    [JsonPropertyName("fileCount")]
    public int? FileCount { get; set; }

    /// <summary>pcap or pcapng.</summary>
    [JsonPropertyName("outputFormat")]
    public string? OutputFormat { get; set; }

    /// <summary>Snap length in bytes.</summary>
    [JsonPropertyName("packetSize")]
    public int? PacketSize { get; set; }

    /// <summary>The file names every node uses, from status.startTime: &lt;capture&gt;-&lt;node&gt;-&lt;yyyyMMddHHmmss&gt;UTC.</summary>
    [JsonPropertyName("artifactName")]
    public string? ArtifactName { get; set; }

    /// <summary>What ends the capture on a node, in words.</summary>
    [JsonPropertyName("stopsWhen")]
    public string? StopsWhen { get; set; }
}
