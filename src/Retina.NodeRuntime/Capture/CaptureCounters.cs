namespace Retina.NodeRuntime.Capture;

/// <summary>
/// A snapshot of a capture's counters. <see cref="Packets"/> and <see cref="Bytes"/> (wire length) count what was written to
/// the capture files; <see cref="KernelPackets"/> what passed the kernel filter and <see cref="KernelDrops"/> what the kernel
/// lost because the ring was full (PACKET_STATISTICS, summed over interfaces).
/// </summary>
public readonly record struct CaptureCounters(long Packets, long Bytes, long KernelPackets, long KernelDrops, long FileBytes);
