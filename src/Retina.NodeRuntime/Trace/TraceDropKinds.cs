using Retina.Api.TraceSession;

namespace Retina.NodeRuntime.Trace;

/// <summary>
/// Which event kind a kernel drop is, from its reason (enum skb_drop_reason) and the function that freed it:
/// <list type="bullet">
/// <item><c>sockerror</c>: the socket layer refused the packet: NO_SOCKET, SOCKET_FILTER, SOCKET_RCVBUFF, SOCKET_CLOSE,
/// SOCKET_BACKLOG, PROTO_MEM, every TCP_* reason (a segment TCP itself rejected), UDP_CSUM and XFRM_POLICY on a socket's input.</item>
/// <item><c>nfqueue</c>: an NFQUEUE verdict that could not be delivered (no listener on the queue, queue full) or a drop
/// verdict from the queue's listener: the kernel frees these in nf_queue/nf_reinject/nfqnl_* (reason NOT_SPECIFIED or
/// NETFILTER_DROP), so the freeing function decides.</item>
/// <item><c>drop</c>: everything else, NETFILTER_DROP from an nft/iptables rule included.</item>
/// </list>
/// </summary>
public static class TraceDropKinds
{
    private static readonly HashSet<string> SocketReasons = new(StringComparer.Ordinal)
    {
        "NO_SOCKET", "SOCKET_FILTER", "SOCKET_RCVBUFF", "SOCKET_CLOSE", "SOCKET_BACKLOG", "PROTO_MEM", "UDP_CSUM", "SOCKET_INVALID_STATE",
    };

    public static string Classify(string reason, string? location)
    {
        if (location is not null && IsQueueFunction(location))
        {
            return TraceEventKinds.NfQueue;
        }

        return SocketReasons.Contains(reason) || reason.StartsWith("TCP_", StringComparison.Ordinal)
            ? TraceEventKinds.SockError
            : TraceEventKinds.Drop;
    }

    /// <summary>Whether the drop's reason is one the freeing function must settle (NFQUEUE drops carry no reason of their own).</summary>
    public static bool NeedsLocation(string reason) => reason is "NOT_SPECIFIED" or "NETFILTER_DROP";

    public static bool IsQueueFunction(string function) =>
        function.StartsWith("nf_queue", StringComparison.Ordinal) || function.StartsWith("__nf_queue", StringComparison.Ordinal)
        || function.StartsWith("nf_reinject", StringComparison.Ordinal) || function.StartsWith("nfqnl_", StringComparison.Ordinal);
}
