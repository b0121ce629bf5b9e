namespace Retina.NodeRuntime.Capture;

/// <summary>One packet held by the flight recorder.</summary>
internal sealed record RecordedPacket(int IfIndex, long TimestampNanoseconds, int OriginalLength, byte[] Data, ushort VlanTci, bool VlanValid, byte PacketType = 0)
{
    public long Cost => Data.Length + FlightRecorder.PerPacketOverheadBytes;
}
