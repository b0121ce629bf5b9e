namespace Retina.Kube.Queue;

public sealed record WorkQueueOptions
{
    /// <summary>The first retry delay of a failing key; doubled per consecutive failure.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The cap of a failing key's retry delay.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(5);
}
