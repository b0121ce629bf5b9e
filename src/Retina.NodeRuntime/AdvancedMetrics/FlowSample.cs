using Retina.NodeRuntime.Enrichment;

namespace Retina.NodeRuntime.AdvancedMetrics;

/// <summary>Direction of traffic relative to the pod where it was observed.</summary>
public enum TrafficDirection : byte
{
    /// <summary>Into the pod (the destination is the local end).</summary>
    Ingress = 0,

    /// <summary>Out of the pod (the source is the local end).</summary>
    Egress = 1,
}

/// <summary>One observation of a flow: both ends, protocol, direction and whether it is the reply side.</summary>
public readonly record struct FlowSample(
    IpKey Source,
    IpKey Destination,
    ushort SourcePort,
    ushort DestinationPort,
    byte Protocol,
    TrafficDirection Direction,
    bool IsReply);
