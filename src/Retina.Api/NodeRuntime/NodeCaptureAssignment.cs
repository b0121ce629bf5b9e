using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.NodeRuntime;

/// <summary>One Capture's work on this node, resolved by the controller (filter built, pods resolved to IPs).</summary>
public sealed class NodeCaptureAssignment
{
    /// <summary>Schema cap on <see cref="PodIps"/>: past it the first addresses in order are kept and the Capture says how many were left out.</summary>
    public const int MaxPodIps = 1024;

    public const string MetadataScopeNode = "Node";

    public const string MetadataScopePods = "Pods";

    /// <summary>Unique key: namespace/name/uid of the Capture.</summary>
    [Required]
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    /// <summary>Capture namespace.</summary>
    [JsonPropertyName("namespace")]
    public string Namespace { get; set; } = "";

    /// <summary>Capture name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>The user's libpcap expression (pcapFilter, or the deprecated tcpdumpFilter).</summary>
    [JsonPropertyName("pcapFilter")]
    public string? PcapFilter { get; set; }

    /// <summary>Only packets from these addresses.</summary>
    [MaxItems(256)]
    [JsonPropertyName("sourceIPs")]
    public List<string>? SourceIps { get; set; }

    /// <summary>Only packets to these addresses.</summary>
    [MaxItems(256)]
    [JsonPropertyName("destinationIPs")]
    public List<string>? DestinationIps { get; set; }

    /// <summary>Retina endpoint filters to include.</summary>
    [MaxItems(256)]
    [JsonPropertyName("include")]
    public List<string>? Include { get; set; }

    /// <summary>Retina endpoint filters to exclude.</summary>
    [MaxItems(256)]
    [JsonPropertyName("exclude")]
    public List<string>? Exclude { get; set; }

    /// <summary>Pod IPs on this node the capture is narrowed to (empty for node captures).</summary>
    [MaxItems(MaxPodIps)]
    [JsonPropertyName("podIPs")]
    public List<string>? PodIps { get; set; }

    /// <summary>Host-network pods on this node, as Retina filter tokens of the node's address and each pod's ports (IP:port, or IP when a pod declares none).</summary>
    [MaxItems(MaxPodIps)]
    [JsonPropertyName("podEndpoints")]
    public List<string>? PodEndpoints { get; set; }

    /// <summary>The Capture's start time (status.startTime): every node names its artifact from it.</summary>
    [JsonPropertyName("startTime")]
    public DateTime? StartTime { get; set; }

    /// <summary>When the controller wrote this assignment: a runtime that has not reported since is given a grace period, not judged by an older heartbeat.</summary>
    [JsonPropertyName("assignedAt")]
    public DateTime? AssignedAt { get; set; }

    /// <summary>pcap or pcapng.</summary>
    [AllowedValues("pcap", "pcapng")]
    [JsonPropertyName("outputFormat")]
    public string? OutputFormat { get; set; }

    /// <summary>Interfaces to capture on; empty means all.</summary>
    [MaxItems(64)]
    [JsonPropertyName("interfaces")]
    public List<string>? Interfaces { get; set; }

    /// <summary>Duration, Go syntax; unset runs until the size limit (or, with fileCount, until withdrawn).</summary>
    [JsonPropertyName("duration")]
    public string? Duration { get; set; }

    /// <summary>Size limit in MB (1,000,000 bytes) of each file.</summary>
    [JsonPropertyName("maxCaptureSizeMB")]
    public int? MaxCaptureSizeMb { get; set; }

    /// <summary>Number of rotated files.</summary>
    [JsonPropertyName("fileCount")]
    public int? FileCount { get; set; }

    /// <summary>Packet limit.</summary>
    [JsonPropertyName("maxPackets")]
    public long? MaxPackets { get; set; }

    /// <summary>Snap length.</summary>
    [JsonPropertyName("packetSize")]
    public int? PacketSize { get; set; }

    /// <summary>Keep interfaces out of promiscuous mode.</summary>
    [JsonPropertyName("noPromiscuous")]
    public bool? NoPromiscuous { get; set; }

    /// <summary>Seconds of flight-recorder history to include.</summary>
    [JsonPropertyName("preTriggerSeconds")]
    public int? PreTriggerSeconds { get; set; }

    /// <summary>Bundle network metadata.</summary>
    [JsonPropertyName("includeMetadata")]
    public bool IncludeMetadata { get; set; } = true;

    /// <summary>
    /// Whose network metadata is bundled: Node (the node's addresses, routes, firewall rules, sockets, /proc/net, set only
    /// for node-wide targets, which admission authorized with nodes/capture) or Pods (unset too: only the network
    /// namespaces holding podIPs).
    /// </summary>
    [AllowedValues(MetadataScopeNode, MetadataScopePods)]
    [JsonPropertyName("metadataScope")]
    public string? MetadataScope { get; set; }

    /// <summary>Host-path directory relative to the runtime's capture base directory.</summary>
    [JsonPropertyName("hostPath")]
    public string? HostPath { get; set; }

    /// <summary>
    /// The Capture's Secret (in its namespace) with key blob-upload-url. The node cannot read it: it asks the
    /// controllers' credential endpoint, which answers only for captures assigned to that node.
    /// </summary>
    [JsonPropertyName("blobSecret")]
    public string? BlobSecret { get; set; }

    /// <summary>S3 destination; secretName names the Capture's Secret, whose values come from the credential endpoint.</summary>
    [JsonPropertyName("s3")]
    public Capture.S3Upload? S3 { get; set; }

    /// <summary>Delete the local copy after all uploads succeeded.</summary>
    [JsonPropertyName("cleanUpAfterUpload")]
    public bool? CleanUpAfterUpload { get; set; }

    /// <summary>Stop the capture now (the Capture was deleted or its duration is cut short).</summary>
    [JsonPropertyName("stop")]
    public bool? Stop { get; set; }
}
