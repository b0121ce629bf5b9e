using System.Globalization;
using System.Text;

namespace Retina.NodeRuntime.Capture;

/// <summary>
/// capture.log in the tarball, the counterpart of the tcpdump.log Retina bundles: what ran (interfaces, snap length,
/// the compiled filter, the limits), when, why it stopped, what was written, and every note. Plain text, one fact a line.
/// </summary>
internal static class CaptureLogText
{
    public static string Format(CaptureRequest request, string filter, IReadOnlyList<CaptureInterface> interfaces, IReadOnlyList<string> files,
        CaptureCounters counters, CaptureTimings timings, string reason, string message, IReadOnlyList<string> notes)
    {
        var c = CultureInfo.InvariantCulture;
        var log = new StringBuilder();
        void Line(string text) => log.Append(text).Append('\n');
        Line($"{timings.StartedAt.UtcDateTime.ToString("O", c)} capture {request.Namespace}/{request.Name} started on node {request.NodeName}");
        Line($"interfaces: {string.Join(", ", interfaces.Select(i => $"{i.Name} (ifindex {i.IfIndex}, {i.LinkType})"))}");
        Line($"snap length: {request.PacketSize} bytes; promiscuous: {(request.NoPromiscuous ? "no" : "yes")}; format: {request.OutputFormat}");
        Line($"filter: {(filter.Length == 0 ? "(none: every packet)" : filter)}");
        Line($"limits: duration {(request.Duration is { } d ? d.ToString("c", c) : "none")}; {request.MaxCaptureSizeBytes} bytes per file; {request.FileCount} file(s){(request.MaxPackets is { } p ? $"; {p} packets" : "")}");
        if (timings.FirstPacketAt is { } first)
        {
            Line($"{first.UtcDateTime.ToString("O", c)} first packet");
        }

        Line($"{(timings.StoppedAt ?? timings.StartedAt).UtcDateTime.ToString("O", c)} stopped: {reason}: {message}");
        Line($"packets written: {counters.Packets}; bytes on the wire: {counters.Bytes}; kernel saw {counters.KernelPackets}, dropped {counters.KernelDrops}");
        Line($"files: {string.Join(", ", files.Select(Path.GetFileName))}");
        foreach (var note in notes)
        {
            Line($"note: {note}");
        }

        return log.ToString();
    }
}
