namespace Retina.Kube.Client;

/// <summary>How to watch: the list scope plus where to resume and how long the server should keep the stream open.</summary>
public sealed record WatchOptions
{
    public string? Namespace { get; init; }

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>Resume after this version; null or "0" starts with synthetic ADDED events for everything that exists.</summary>
    public string? ResourceVersion { get; init; }

    public bool AllowBookmarks { get; init; } = true;

    /// <summary>Asks the server to end the stream after this long (the client must still keep a watchdog).</summary>
    public TimeSpan? Timeout { get; init; }
}
