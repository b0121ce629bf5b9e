namespace Retina.Controllers.TraceSession;

/// <summary>Condition types and reasons a TraceSession's status uses (beyond Accepted and the kstatus ones).</summary>
public static class TraceReasons
{
    /// <summary>Condition type: the trace ran on every node and finished.</summary>
    public const string Complete = "complete";

    /// <summary>Condition type: what went wrong (reason says what).</summary>
    public const string Error = "error";

    /// <summary>Condition type: how the target resolved (TargetsFound / NoTargets).</summary>
    public const string Targets = "Targets";

    public const string InvalidSpec = "InvalidSpec";
    public const string SecretNotFound = "SecretNotFound";
    public const string NoTargets = "NoTargets";
    public const string TargetsFound = "TargetsFound";
    public const string TooManyNodes = "TooManyNodes";
    public const string InProgress = "TraceInProgress";
    public const string AllNodesCompleted = "AllNodesCompleted";
    public const string NodesFailed = "NodesFailed";
    public const string WaitingForNodeRuntime = "WaitingForNodeRuntime";
    public const string NodeRuntimeSilent = "NodeRuntimeSilent";
    public const string NodeTraceCapReached = "NodeTraceCapReached";
    public const string Stopping = "Stopping";
    public const string EventsLost = "EventsLost";

    /// <summary>Condition type: whether every closed file reached the Blob/S3 outputs (reason UploadFailed or AllFilesUploaded).</summary>
    public const string Uploaded = "Uploaded";
    public const string UploadFailed = "UploadFailed";
    public const string AllFilesUploaded = "AllFilesUploaded";

    /// <summary>
    /// Condition type: whether the closed files reached the PersistentVolumeClaim (reason AllFilesCopied; False with
    /// CopyFailed, or with the captures' WaitingForClaim / CopyUnschedulable while a copy cannot start).
    /// </summary>
    public const string Copied = "Copied";
    public const string CopyFailed = "CopyFailed";
    public const string AllFilesCopied = "AllFilesCopied";
}
