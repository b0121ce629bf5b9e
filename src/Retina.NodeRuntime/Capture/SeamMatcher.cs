using Retina.Native.Packet;

namespace Retina.NodeRuntime.Capture;

/// <summary>
/// Joins a capture's flight-recorder packets to its live ones without a gap or a duplicate. A cut by timestamp alone is
/// not enough: a packet can be stamped (when it is queued to the receiving CPU's backlog) well before the kernel hands it
/// to the packet sockets, so one stamped just before the cut-off may reach the recorder only after the capture took from
/// it, and packets stamped at hand-over are stamped by each socket separately. So around the cut-off each live packet is
/// looked up among the recorded ones by interface, length and bytes: found, it was already written (skipped, once per
/// copy); not found, it is new, whatever its stamp (written, in the order the kernel delivered it).
/// </summary>
internal sealed class SeamMatcher
{
    /// <summary>How far from the cut-off a live packet's stamp may lie and still be one the recorder also holds.</summary>
    public const long WindowNanoseconds = 2_000_000_000L;

    private const int CompareBytes = 128;
    private readonly Dictionary<(int IfIndex, int Length, int Hash), List<RecordedPacket>> recorded = [];
    private readonly long cutoff;
    private readonly int compareLength;

    public SeamMatcher(IReadOnlyList<RecordedPacket> taken, long cutoffNanoseconds, int liveSnapLength)
    {
        cutoff = cutoffNanoseconds;
        compareLength = Math.Min(CompareBytes, liveSnapLength);
        foreach (var p in taken.Where(p => p.TimestampNanoseconds >= cutoff - WindowNanoseconds))
        {
            var key = Key(p.IfIndex, p.OriginalLength, p.Data);
            if (!recorded.TryGetValue(key, out var list))
            {
                recorded[key] = list = [];
            }

            list.Add(p);
        }
    }

    /// <summary>Live packets the capture skipped because the recorder's copy was written.</summary>
    public long Duplicates { get; private set; }

    /// <summary>Live packets stamped before the cut-off that the recorder did not have, written late.</summary>
    public long Late { get; private set; }

    /// <summary>True when this live packet is a copy of a recorded one already in the file.</summary>
    public bool IsDuplicate(int ifIndex, in PacketView packet)
    {
        var ts = packet.TimestampNanoseconds;
        if (ts >= cutoff + WindowNanoseconds)
        {
            return false;
        }

        if (ts < cutoff - WindowNanoseconds)
        {
            Duplicates++;
            return true; // older than anything a live ring opened at the cut-off can newly hold: the recorder's share
        }

        var data = packet.Data;
        if (recorded.TryGetValue(Key(ifIndex, packet.OriginalLength, data), out var list))
        {
            var n = Math.Min(compareLength, data.Length);
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i].Data.AsSpan(0, Math.Min(n, list[i].Data.Length)).SequenceEqual(data[..Math.Min(n, list[i].Data.Length)]))
                {
                    list.RemoveAt(i);
                    Duplicates++;
                    return true;
                }
            }
        }

        if (ts < cutoff)
        {
            Late++;
        }

        return false;
    }

    private (int, int, int) Key(int ifIndex, int originalLength, ReadOnlySpan<byte> data)
    {
        var hash = new HashCode();
        hash.AddBytes(data[..Math.Min(Math.Min(compareLength, data.Length), originalLength)]);
        return (ifIndex, originalLength, hash.ToHashCode());
    }
}
