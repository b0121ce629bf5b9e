namespace Retina.Api.Capture;

/// <summary>The phases of a Capture, and of each node's part of it.</summary>
public static class CapturePhase
{
    public const string Pending = "Pending";
    public const string Running = "Running";
    public const string Uploading = "Uploading";
    public const string Completed = "Completed";
    public const string Failed = "Failed";

    public static readonly string[] All = [Pending, Running, Uploading, Completed, Failed];

    public static bool IsFinished(string? phase) => phase is Completed or Failed;
}
