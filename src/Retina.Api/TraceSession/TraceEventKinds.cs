namespace Retina.Api.TraceSession;

/// <summary>The event kinds a TraceSession can record.</summary>
public static class TraceEventKinds
{
    /// <summary>A packet the kernel dropped (tracepoint skb:kfree_skb), with the kernel's drop reason.</summary>
    public const string Drop = "drop";

    /// <summary>A DNS query or response (query, qtype, rcode, answers, latency request→response).</summary>
    public const string Dns = "dns";

    /// <summary>A TCP retransmission (tracepoint tcp:tcp_retransmit_skb).</summary>
    public const string TcpRetrans = "tcpretrans";

    /// <summary>A TCP reset sent or received.</summary>
    public const string TcpReset = "tcpreset";

    /// <summary>A new TCP connection or UDP flow (its first packet).</summary>
    public const string Connect = "connect";

    /// <summary>A packet dropped by a socket (no listener, receive buffer full: the socket-layer drop reasons).</summary>
    public const string SockError = "sockerror";

    /// <summary>A packet dropped by netfilter's NFQUEUE (no queue listener, queue full).</summary>
    public const string NfQueue = "nfqueue";

    public static readonly IReadOnlyList<string> All = [Drop, Dns, TcpRetrans, TcpReset, Connect, SockError, NfQueue];
}
