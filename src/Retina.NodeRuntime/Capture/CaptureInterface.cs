using Retina.Native.Libpcap;

namespace Retina.NodeRuntime.Capture;

/// <summary>An interface a capture reads, keyed by its index within the capture's network namespace.</summary>
public sealed record CaptureInterface(int IfIndex, string Name, PcapLinkType LinkType);
