using Retina.NodeRuntime.AdvancedMetrics;
using Retina.NodeRuntime.Enrichment;

namespace Retina.NodeRuntime.Plugins.PacketParser;

/// <summary>
/// Turns the kernel connection table's cumulative counters (carried by events, or read from the
/// table for idle connections) into increments of the pod-level metrics, exactly once: for each
/// entry it remembers the last totals it accounted for.
/// </summary>
internal sealed class ConnectionLedger(PodLevelMetrics metrics)
{
    internal static readonly string[] FlagNames = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "SYNACK"];

    private readonly object gate = new();
    private readonly Dictionary<ConnKey, Totals> seen = [];

    internal readonly record struct ConnKey(UInt128 Source, UInt128 Destination, ulong Ports, uint Ifindex);

    private sealed class Totals
    {
        public ulong FirstNs;
        public ulong Packets;
        public ulong Bytes;
        public readonly ulong[] Flags = new ulong[9];
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return seen.Count;
            }
        }
    }

    public static ConnKey KeyOf(in PpCtKey k) => new(
        IpKey.FromBytes(k.Saddr).Value,
        IpKey.FromBytes(k.Daddr).Value,
        ((ulong)k.Sport << 48) | ((ulong)k.Dport << 32) | ((ulong)k.Proto << 24) | ((ulong)k.Direction << 16),
        k.Ifindex);

    public static FlowSample Sample(in PpCtKey k, bool isReply) => new(
        IpKey.FromBytes(k.Saddr), IpKey.FromBytes(k.Daddr), k.Sport, k.Dport, k.Proto,
        k.Direction == 1 ? TrafficDirection.Egress : TrafficDirection.Ingress, isReply);

    /// <summary>Accounts cumulative totals of one entry (from an event or a table read).</summary>
    public void Cumulative(in PpCtKey key, ulong firstNs, bool isReply, ulong packets, ulong bytes, ReadOnlySpan<ulong> flags)
    {
        ulong dp, db;
        Span<ulong> df = stackalloc ulong[9];
        lock (gate)
        {
            var k = KeyOf(key);
            if (!seen.TryGetValue(k, out var t) || t.FirstNs != firstNs)
            {
                // A new entry, or the kernel evicted and recreated it: its totals start from zero.
                t = new Totals { FirstNs = firstNs };
                seen[k] = t;
            }

            dp = packets > t.Packets ? packets - t.Packets : 0;
            db = bytes > t.Bytes ? bytes - t.Bytes : 0;
            t.Packets = Math.Max(t.Packets, packets);
            t.Bytes = Math.Max(t.Bytes, bytes);
            for (var i = 0; i < 9 && i < flags.Length; i++)
            {
                df[i] = flags[i] > t.Flags[i] ? flags[i] - t.Flags[i] : 0;
                t.Flags[i] = Math.Max(t.Flags[i], flags[i]);
            }
        }

        Account(key, isReply, dp, db, df);
    }

    /// <summary>Accounts a packet event of the per-packet mode (no connection table): the values are increments.</summary>
    public void Increment(in PpCtKey key, bool isReply, ulong packets, ulong bytes, ReadOnlySpan<ulong> flags) =>
        Account(key, isReply, packets, bytes, flags);

    /// <summary>Forgets entries the kernel no longer has.</summary>
    public void Retain(HashSet<ConnKey> present)
    {
        lock (gate)
        {
            foreach (var k in seen.Keys.Where(k => !present.Contains(k)).ToList())
            {
                seen.Remove(k);
            }
        }
    }

    private void Account(in PpCtKey key, bool isReply, ulong packets, ulong bytes, ReadOnlySpan<ulong> flags)
    {
        var sample = Sample(key, isReply);
        metrics.RecordForward(sample, packets, bytes);
        for (var i = 0; i < 9 && i < flags.Length; i++)
        {
            if (flags[i] > 0)
            {
                metrics.RecordTcpFlag(sample, FlagNames[i], flags[i]);
            }
        }
    }
}
