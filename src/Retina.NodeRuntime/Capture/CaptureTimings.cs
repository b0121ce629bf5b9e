namespace Retina.NodeRuntime.Capture;

/// <summary>When a capture started, saw its first packet and stopped.</summary>
public sealed record CaptureTimings(DateTimeOffset StartedAt, DateTimeOffset? FirstPacketAt, DateTimeOffset? StoppedAt);
