namespace Retina.NodeRuntime.Trace;

/// <summary>How the node runs traces (from NodeAgentOptions in the runtime; set directly in tests).</summary>
public sealed class TraceRunnerOptions
{
    public required string NodeName { get; init; }

    /// <summary>Host-path outputs are confined under this directory, as captures are.</summary>
    public required string CaptureBaseDirectory { get; init; }

    /// <summary>Rotation size when the assignment sets none (the controller's default, TraceAssignmentBuilder).</summary>
    public int DefaultMaxFileSizeMb { get; init; } = 100;

    /// <summary>Bytes in one maxFileSizeMB unit (1,000,000, as for captures; tests shrink it to rotate small files).</summary>
    public long BytesPerMegabyte { get; init; } = Capture.CaptureRequest.BytesPerMegabyte;

    /// <summary>Traces running at once on this node (NodeAgentOptions.MaxConcurrentTraces); a later one waits, Pending with reason Queued.</summary>
    public int MaxConcurrent { get; init; } = 4;

    /// <summary>How often files are flushed (a gzip member ends) and durations checked.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Retry and transport rules of Blob and S3 uploads (the capture engine's).</summary>
    public TraceUploadOptions Uploads { get; init; } = new();

    /// <summary>Where Blob and S3 credentials come from (the controllers' endpoint); null: such uploads fail with a reason.</summary>
    public Credentials.ITraceCredentialSource? Credentials { get; init; }
}
