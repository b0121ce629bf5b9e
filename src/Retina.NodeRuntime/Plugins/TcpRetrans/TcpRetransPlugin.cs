using System.Buffers.Binary;
using System.Net;
using Retina.Native.Libbpf;

namespace Retina.NodeRuntime.Plugins.TcpRetrans;

/// <summary>TCP retransmissions from tracepoint tcp:tcp_retransmit_skb (bpf/tcpretrans), one ring-buffer event each.</summary>
public sealed class TcpRetransPlugin : RingBufferPlugin
{
    public const string PluginName = "tcpretrans";
    public const string Hook = "tracepoint tcp:tcp_retransmit_skb";

    // struct tcpretrans_event: saddr, daddr, sport, dport, family, state, saddr6[16], daddr6[16]
    private const int EventSize = 48;

    private readonly LabelCap pairs = new(1000);
    private long events;

    public override string Name => PluginName;

    /// <summary>Retransmissions handled since start (for tests and TraceSession).</summary>
    public long Events => Interlocked.Read(ref events);

    /// <summary>Every retransmission with its 4-tuple, for trace sessions; called on the consumer task.</summary>
    public event Action<TcpRetransEvent>? Retransmitted;

    protected override IReadOnlyList<string> RequiredProbes => [ProbeNames.Tracefs, ProbeNames.TcpRetransmitSkb];

    protected override Task<PluginState> StartEventsAsync(IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        var obj = Load();
        if (CheckEventSize("tcpretrans_event", EventSize) is { } wrong)
        {
            return Task.FromResult(PluginState.Failed(Name, wrong));
        }

        obj.Map("retina_config").Update(0u, new RetinaConfig { NetnsInode = Context.NetnsFilter });
        Stream("retina_retrans", "retina_rtx_lost");
        try
        {
            OnStop(obj.Program("retina_tcpretx").AttachTracepoint("tcp", "tcp_retransmit_skb"));
        }
        catch (BpfException ex)
        {
            return Task.FromResult(PluginState.Failed(Name, ex.Message));
        }

        return Task.FromResult(PluginState.Running(Name, Hook));
    }

    protected override void Handle(ReadOnlyMemory<byte> record)
    {
        var s = record.Span;
        if (s.Length < EventSize)
        {
            Context.Metrics.Lost(Name, "malformed");
            return;
        }

        var family = BinaryPrimitives.ReadUInt16LittleEndian(s[12..]);
        var v6 = family == 10;
        var src = v6 ? new IPAddress(s.Slice(16, 16)) : new IPAddress(s[..4]);
        var dst = v6 ? new IPAddress(s.Slice(32, 16)) : new IPAddress(s.Slice(4, 4));
        var e = new TcpRetransEvent(src, BinaryPrimitives.ReadUInt16LittleEndian(s[8..]), dst, BinaryPrimitives.ReadUInt16LittleEndian(s[10..]),
            BinaryPrimitives.ReadUInt16LittleEndian(s[14..]));

        // With pod-level retransmits configured, packetparser owns adv_tcpretrans_count (with context labels):
        // one family, one shape, no per-address series beside it.
        if (AdvancedMetrics.PodLevelMetrics.For(Context.Metrics)?.IsEnabled(AdvancedMetrics.AdvancedMetricNames.TcpRetransmissions) != true)
        {
            var pair = pairs.Apply(src + ">" + dst);
            var (ip, remote) = pair == LabelCap.Other ? (LabelCap.Other, LabelCap.Other) : (src.ToString(), dst.ToString());
            Context.Metrics.TcpRetransCount.WithLabels(ip, remote).Inc();
        }

        Interlocked.Increment(ref events);
        Retransmitted?.Invoke(e);
    }
}
