namespace Retina.NodeRuntime.Capture;

/// <summary>
/// Where a capture's packets from the flight recorder end and its live packets begin, for the manifest (capture.json
/// <c>preTrigger</c>): the first <see cref="Packets"/> packets of the file came from the recorder (stamped before
/// <see cref="Cutoff"/>, the last at <see cref="LastRecordedPacket"/>), the next one, at <see cref="FirstLivePacket"/>, from
/// the live rings. <see cref="LateLivePackets"/>: live packets stamped before the cut-off that reached the kernel's packet
/// sockets too late for the recorder's share (written live); <see cref="DuplicatesSkipped"/>: live copies of recorded packets.
/// </summary>
public sealed record PreTriggerSeam(int Seconds, long Packets, DateTimeOffset? Cutoff, DateTimeOffset? LastRecordedPacket, DateTimeOffset? FirstLivePacket,
    long LateLivePackets, long DuplicatesSkipped)
{
    internal static DateTimeOffset? FromNanoseconds(long ns) => ns <= 0 ? null : DateTimeOffset.UnixEpoch.AddTicks(ns / 100);
}
