using Prometheus;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Metrics;

namespace Retina.NodeRuntime.Plugins.PacketParser;

/// <summary>
/// Retina's conntrack metrics (enableConntrackMetrics), node-level gauges without labels as Retina exports them:
/// <c>networkobservability_conntrack_packets_tx</c>/<c>_rx</c>, <c>_bytes_tx</c>/<c>_rx</c> and
/// <c>_total_connections</c>, from packetparser's connection table at each table read. A connection is its 5-tuple in the
/// originating direction: tx counts packets and bytes the originator sent, rx the replies. The table holds one entry per
/// interface a connection crosses (two veths for pod-to-pod traffic on one node), so each direction counts the entry
/// that saw most: a packet is counted once.
/// </summary>
internal sealed class ConntrackMetrics
{
    private readonly Gauge packetsTx;
    private readonly Gauge packetsRx;
    private readonly Gauge bytesTx;
    private readonly Gauge bytesRx;
    private readonly Gauge connections;

    public ConntrackMetrics(NodeMetrics metrics)
    {
        var f = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        packetsTx = f.CreateGauge(NodeMetrics.NodePrefix + "conntrack_packets_tx", "Packets sent by the originators of the connections packetparser tracks.");
        packetsRx = f.CreateGauge(NodeMetrics.NodePrefix + "conntrack_packets_rx", "Packets of replies on the connections packetparser tracks.");
        bytesTx = f.CreateGauge(NodeMetrics.NodePrefix + "conntrack_bytes_tx", "Bytes sent by the originators of the connections packetparser tracks.");
        bytesRx = f.CreateGauge(NodeMetrics.NodePrefix + "conntrack_bytes_rx", "Bytes of replies on the connections packetparser tracks.");
        connections = f.CreateGauge(NodeMetrics.NodePrefix + "conntrack_total_connections", "Connections packetparser tracks.");
    }

    private readonly record struct Connection(UInt128 Originator, UInt128 Responder, ushort OriginatorPort, ushort ResponderPort, byte Proto);

    /// <summary>Sets the gauges from one full read of the table.</summary>
    public void Update(IEnumerable<(PpCtKey Key, PpCtValue Value)> entries)
    {
        var totals = new Dictionary<Connection, (ulong TxP, ulong TxB, ulong RxP, ulong RxB)>();
        foreach (var (k, v) in entries)
        {
            var src = IpKey.FromBytes(k.Saddr).Value;
            var dst = IpKey.FromBytes(k.Daddr).Value;
            var reply = v.IsReply != 0;
            var id = reply ? new Connection(dst, src, k.Dport, k.Sport, k.Proto) : new Connection(src, dst, k.Sport, k.Dport, k.Proto);
            totals.TryGetValue(id, out var t);
            totals[id] = reply
                ? (t.TxP, t.TxB, Math.Max(t.RxP, v.Packets), Math.Max(t.RxB, v.Bytes))
                : (Math.Max(t.TxP, v.Packets), Math.Max(t.TxB, v.Bytes), t.RxP, t.RxB);
        }

        packetsTx.Set(totals.Values.Sum(t => (double)t.TxP));
        bytesTx.Set(totals.Values.Sum(t => (double)t.TxB));
        packetsRx.Set(totals.Values.Sum(t => (double)t.RxP));
        bytesRx.Set(totals.Values.Sum(t => (double)t.RxB));
        connections.Set(totals.Count);
    }

    /// <summary>Zeroes the gauges (the plugin stopped: no table is read).</summary>
    public void Clear()
    {
        foreach (var g in new[] { packetsTx, packetsRx, bytesTx, bytesRx, connections })
        {
            g.Set(0);
        }
    }
}
