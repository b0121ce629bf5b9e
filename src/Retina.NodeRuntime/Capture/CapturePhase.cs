namespace Retina.NodeRuntime.Capture;

/// <summary>Where a node's part of a capture is; the names match the Capture's status phases.</summary>
public enum CapturePhase
{
    Pending,
    Running,
    Uploading,
    Completed,
    Failed,
}
