namespace Retina.NodeRuntime.Metrics.Health;

/// <summary>What a probe endpoint answers: healthy (200) or not (503), with the reason in the body.</summary>
public sealed record ProbeAnswer(bool Healthy, string Message)
{
    public static ProbeAnswer Ok(string message) => new(true, message);

    public static ProbeAnswer Failing(string message) => new(false, message);
}
