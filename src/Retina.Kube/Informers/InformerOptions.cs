namespace Retina.Kube.Informers;

public sealed record InformerOptions
{
    public string? Namespace { get; init; }

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>Asked of the server per watch (timeoutSeconds); the watch is then re-opened from the last version.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a watch may stay silent beyond <see cref="WatchTimeout"/> before the watchdog drops it.</summary>
    public TimeSpan WatchdogGrace { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The node an object belongs to, for the node index (default: spec.nodeName of pods).</summary>
    public Func<object, string?>? NodeOf { get; init; }
}
