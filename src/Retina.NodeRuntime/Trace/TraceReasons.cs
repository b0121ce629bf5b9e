namespace Retina.NodeRuntime.Trace;

/// <summary>The reasons a node reports in NodeTraceStatus.reason.</summary>
public static class TraceReasons
{
    public const string Running = "Running";
    public const string DurationElapsed = "DurationElapsed";
    public const string MaxEventsReached = "MaxEventsReached";
    public const string Stopped = "Stopped";

    /// <summary>Pending: the node already runs MaxConcurrentTraces traces.</summary>
    public const string Queued = "Queued";
    public const string RuntimeRestarted = "RuntimeRestarted";
    public const string InvalidAssignment = "InvalidAssignment";
    public const string HostPathOutsideBase = "HostPathOutsideBase";
    public const string OutputFailed = "OutputFailed";

    /// <summary>A closed file did not reach its Blob or S3 output after the capture retry rules (the file stays on the node).</summary>
    public const string UploadFailed = "UploadFailed";
    /// <summary>The controllers' copy Job to the PersistentVolumeClaim failed for good (the files stay on the node).</summary>
    public const string CopyFailed = "CopyFailed";
    public const string KernelUnavailable = "KernelUnavailable";

    /// <summary>lostEventsByReason keys.</summary>
    public const string RingBufferFull = "RingBufferFull";
    public const string RateLimited = "RateLimited";
    public const string WriterBehind = "WriterBehind";
}
