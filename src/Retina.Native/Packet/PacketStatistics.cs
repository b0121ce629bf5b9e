namespace Retina.Native.Packet;

/// <summary>
/// Kernel counters of one AF_PACKET socket since it was opened: <see cref="Packets"/> counts every packet that passed
/// the filter (including the dropped ones), <see cref="Drops"/> those lost because the ring was full.
/// </summary>
public readonly record struct PacketStatistics(long Packets, long Drops, long FreezeQueueCount)
{
    public static PacketStatistics operator +(PacketStatistics a, PacketStatistics b) =>
        new(a.Packets + b.Packets, a.Drops + b.Drops, a.FreezeQueueCount + b.FreezeQueueCount);
}
