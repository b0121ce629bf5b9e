using Microsoft.Extensions.Logging;

namespace Retina.NodeRuntime.Capture;

/// <summary>Capture log lines. Callers pass text through <see cref="SecretRedactor"/> first; no per-packet lines.</summary>
internal static partial class CaptureLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Capture {Capture} started on node {Node}: interfaces {Interfaces}, filter \"{Filter}\"")]
    public static partial void Started(ILogger logger, string capture, string node, string interfaces, string filter);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Capture {Capture} stopped ({Reason}): {Packets} packets, {KernelDrops} kernel drops")]
    public static partial void Stopped(ILogger logger, string capture, string reason, long packets, long kernelDrops);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Capture {Capture} artifact {Artifact} ({Bytes} bytes, sha256 {Sha256})")]
    public static partial void ArtifactWritten(ILogger logger, string capture, string artifact, long bytes, string sha256);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Capture {Capture} artifact delivered to {Kind} {Location}")]
    public static partial void Delivered(ILogger logger, string capture, string kind, string location);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Capture {Capture} upload to {Kind} failed (attempt {Attempt}): {Error}")]
    public static partial void AttemptFailed(ILogger logger, string capture, string kind, int attempt, string error);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Capture {Capture} failed ({Reason}): {Error}")]
    public static partial void Failed(ILogger logger, string capture, string reason, string error);
}
