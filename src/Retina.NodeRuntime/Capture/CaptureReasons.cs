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
    public const string CaptureError = "CaptureError";
    public const string UploadFailed = "UploadFailed";
    public const string RuntimeRestarted = "RuntimeRestarted";
}
