namespace Retina.Api.Capture;

/// <summary>Condition types and reasons of a Capture, in one place.</summary>
public static class CaptureReasons
{
    // Retina's condition types.
    public const string Complete = "complete";
    public const string Error = "error";

    public const string Accepted = "Accepted";
    public const string InvalidSpec = "InvalidSpec";
    public const string NoTargets = "NoTargets";
    public const string SecretNotFound = "SecretNotFound";
    public const string NodesRunning = "NodesRunning";
    public const string AllNodesCompleted = "AllNodesCompleted";
    public const string NodesFailed = "NodesFailed";

    // Schema caps: what happens to a list that would grow past its maxItems.
    public const string Queued = "Queued";
    public const string NodeCaptureCapReached = "NodeCaptureCapReached";
    public const string ListsTruncated = "ListsTruncated";
    public const string NodesListCapReached = "NodesListCapReached";
    public const string ArtifactsListCapReached = "ArtifactsListCapReached";
    public const string PodIpsCapReached = "PodIPsCapReached";

    /// <summary>Condition type: True while some node's tarball cannot yet be copied to the PersistentVolumeClaim.</summary>
    public const string CopyPending = "CopyPending";
    public const string CopyUnschedulable = "CopyJobUnschedulable";
    public const string WaitingForClaim = "WaitingForExclusiveClaim";
    public const string CopiesProgressing = "CopiesProgressing";

    /// <summary>A node reported a tarball path outside its capture base: the copy Job is never created.</summary>
    public const string HostPathRefused = "HostPathRefused";
}
