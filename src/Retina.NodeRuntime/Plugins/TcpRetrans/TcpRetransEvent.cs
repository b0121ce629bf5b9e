using System.Net;

namespace Retina.NodeRuntime.Plugins.TcpRetrans;

/// <summary>One retransmitted TCP segment (state is the kernel's TCP_* socket state number).</summary>
public sealed record TcpRetransEvent(IPAddress Source, ushort SourcePort, IPAddress Destination, ushort DestinationPort, ushort State);
