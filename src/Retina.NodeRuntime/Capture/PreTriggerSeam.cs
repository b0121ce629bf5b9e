namespace Retina.NodeRuntime.Capture;

/// <summary>
/// Where a capture's packets from the flight recorder end and its live packets begin, for the manifest (capture.json
/// <c>preTrigger</c>): packets stamped before <see cref="Cutoff"/> came from the recorder, those from it on from the live rings.
/// </summary>
public sealed record PreTriggerSeam(int Seconds, long Packets, DateTimeOffset? Cutoff, DateTimeOffset? LastRecordedPacket, DateTimeOffset? FirstLivePacket)
{
    internal static DateTimeOffset? FromNanoseconds(long ns) => ns <= 0 ? null : DateTimeOffset.UnixEpoch.AddTicks(ns / 100);
}
