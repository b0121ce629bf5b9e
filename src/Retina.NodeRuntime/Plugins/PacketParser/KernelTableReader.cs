using Retina.Native.Libbpf;
using Retina.NodeRuntime.AdvancedMetrics;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Plugins.DropReason;

namespace Retina.NodeRuntime.Plugins.PacketParser;

/// <summary>
/// Reads the kernel's cumulative tables — connections (idle ones send no event) and drops — into
/// the pod-level metrics, and forgets what the kernel evicted.
/// </summary>
internal sealed class KernelTableReader(BpfMap conntrack, BpfMap drops, ConnectionLedger ledger, PodLevelMetrics pod, DropReasonNames? reasonNames, ConntrackMetrics? conntrackMetrics = null)
{
    private readonly Dictionary<DropId, (ulong Packets, ulong Bytes)> dropTotals = [];

    private readonly record struct DropId(UInt128 Source, UInt128 Destination, ulong Ports, uint Reason);

    public void Read()
    {
        ReadConnections();
        ReadDrops();
    }

    private void ReadConnections()
    {
        var present = new HashSet<ConnectionLedger.ConnKey>();
        var entries = conntrackMetrics is null ? null : new List<(PpCtKey, PpCtValue)>();
        foreach (var key in conntrack.Keys<PpCtKey>())
        {
            if (conntrack.TryLookup(key, out PpCtValue v))
            {
                ReadOnlySpan<ulong> f = v.Flags;
                ledger.Cumulative(key, v.FirstNs, v.IsReply != 0, v.Packets, v.Bytes, f);
                present.Add(ConnectionLedger.KeyOf(key));
                entries?.Add((key, v));
            }
        }

        ledger.Retain(present);
        if (entries is not null)
        {
            conntrackMetrics!.Update(entries);
        }
    }

    private void ReadDrops()
    {
        var seen = new HashSet<DropId>();
        foreach (var key in drops.Keys<PpDropKey>())
        {
            if (!drops.TryLookup(key, out PpDropValue v))
            {
                continue;
            }

            var src = IpKey.FromBytes(key.Saddr);
            var dst = IpKey.FromBytes(key.Daddr);
            var id = new DropId(src.Value, dst.Value, ((ulong)key.Sport << 32) | ((ulong)key.Dport << 16) | ((ulong)key.Proto << 8) | key.Direction, key.Reason);
            seen.Add(id);
            dropTotals.TryGetValue(id, out var before);
            var dp = v.Packets >= before.Packets ? v.Packets - before.Packets : v.Packets;
            var db = v.Bytes >= before.Bytes ? v.Bytes - before.Bytes : v.Bytes;
            dropTotals[id] = (v.Packets, v.Bytes);
            if (dp > 0 || db > 0)
            {
                var sample = new FlowSample(src, dst, key.Sport, key.Dport, key.Proto, key.Direction == 1 ? TrafficDirection.Egress : TrafficDirection.Ingress, false);
                var reason = reasonNames?.Name(key.Reason) ?? key.Reason.ToString(System.Globalization.CultureInfo.InvariantCulture);
                pod.RecordDrop(sample, reason, dp, db);
            }
        }

        foreach (var gone in dropTotals.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            dropTotals.Remove(gone);
        }
    }
}
