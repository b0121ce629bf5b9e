namespace Retina.NodeRuntime.Plugins;

/// <summary>Names of kernel probes, the keys of <see cref="PluginHostOptions.ProbeOverrides"/>.</summary>
public static class ProbeNames
{
    /// <summary>libbpf present, BPF syscall allowed, bpffs mounted.</summary>
    public const string Bpf = "bpf";

    /// <summary>tcx links (Linux 6.6+).</summary>
    public const string Tcx = "tcx";

    /// <summary>Legacy TC with a clsact qdisc.</summary>
    public const string Clsact = "clsact";

    /// <summary>BPF ring buffers (Linux 5.8+).</summary>
    public const string RingBuffer = "ringbuf";

    /// <summary>Classic tracepoints need tracefs.</summary>
    public const string Tracefs = "tracefs";

    /// <summary>tracepoint skb:kfree_skb with a drop reason field.</summary>
    public const string KfreeSkb = "tracepoint skb:kfree_skb";

    /// <summary>tracepoint tcp:tcp_retransmit_skb.</summary>
    public const string TcpRetransmitSkb = "tracepoint tcp:tcp_retransmit_skb";

    /// <summary>enum skb_drop_reason in kernel BTF (reason names).</summary>
    public const string DropReasonBtf = "btf skb_drop_reason";

    /// <summary>/proc/net of the namespace readable.</summary>
    public const string Procfs = "procfs";
}
