namespace Retina.NodeRuntime.Capture.Outputs;

/// <summary>How hard each output tries before the capture is reported as failed to upload.</summary>
public sealed record OutputRetryOptions
{
    public int MaxAttempts { get; init; } = 8;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>One attempt may not take longer than this.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromMinutes(10);
}
