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

    /// <summary>complete=False while nodes capture or upload; the message says "N/M nodes finished".</summary>
    public const string InProgress = "CaptureInProgress";

    /// <summary>More nodes than the admin's MaxNodesPerCapture (Retina: CaptureJobNumExceedLimitError).</summary>
    public const string TooManyNodes = "TooManyNodes";

    /// <summary>Condition type: True when podNames names pods that do not exist (Failed when none exists).</summary>
    public const string PodsNotFound = "PodsNotFound";

    /// <summary>Condition type: True when host-network pods are captured by their node's address and ports.</summary>
    public const string HostNetworkPods = "HostNetworkPods";

    public const string CapturedByNodeAddress = "CapturedByNodeAddress";

    /// <summary>A node's runtime has not reported since the capture was assigned; Pending within the grace period.</summary>
    public const string WaitingForNodeRuntime = "WaitingForNodeRuntime";

    /// <summary>A node's runtime stopped reporting, or never reported within the grace period.</summary>
    public const string NodeRuntimeSilent = "NodeRuntimeSilent";

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
