namespace Retina.NodeRuntime.Capture;

/// <summary>Whose network state a capture's metadata bundle holds.</summary>
public enum CaptureMetadataScope
{
    /// <summary>Only the network namespaces of the targeted pods (addresses, routes, neighbours, sockets, /proc/net).</summary>
    Pods,

    /// <summary>The node's own: every interface, routes, firewall rules, sockets, /proc/net and /proc/sys/net.</summary>
    Node,
}
