namespace Retina.NodeRuntime.Capture;

/// <summary>Why a node's capture ended: machine-readable, for status conditions. Messages carry the details.</summary>
public static class CaptureReasons
{
    public const string DurationElapsed = "DurationElapsed";
    public const string MaxPacketsReached = "MaxPacketsReached";
    public const string MaxCaptureSizeReached = "MaxCaptureSizeReached";
    public const string Stopped = "Stopped";

    public const string InvalidRequest = "InvalidRequest";
    public const string InvalidFilter = "InvalidFilter";
    public const string InterfaceNotFound = "InterfaceNotFound";
    public const string DiskBudgetExceeded = "DiskBudgetExceeded";
    public const string MemoryBudgetExceeded = "MemoryBudgetExceeded";

    /// <summary>Pending, not started: the node runs its maximum of concurrent captures (Retina:NodeRuntime:MaxConcurrentCaptures).</summary>
    public const string Queued = "Queued";

    /// <summary>Withdrawn or stopped while it waited in the queue: it never ran.</summary>
    public const string StoppedWhileQueued = "StoppedWhileQueued";
    public const string CaptureError = "CaptureError";
    public const string UploadFailed = "UploadFailed";
    public const string RuntimeRestarted = "RuntimeRestarted";
}
