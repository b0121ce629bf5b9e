namespace Retina.NodeRuntime.Capture;

/// <summary>The node's always-on packet memory, from which captures with <c>preTriggerSeconds</c> take what came just before them.</summary>
public sealed record FlightRecorderOptions
{
    /// <summary>The network namespace to record in; null is the runtime's own.</summary>
    public string? NetworkNamespacePath { get; init; }

    /// <summary>Interface names; empty records every interface that is up when the recorder starts.</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    /// <summary>Memory for recorded packets (data plus a small per-packet overhead); the oldest go first.</summary>
    public long MaxBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Packets older than this are dropped even when memory is left (null: only the memory bound).</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>Bytes kept per packet; a capture's filter is replayed over these bytes only.</summary>
    public int SnapLength { get; init; } = 2048;

    public int RingBufferBytesPerInterface { get; init; } = 4 * 1024 * 1024;

    public int RingBlockTimeoutMilliseconds { get; init; } = 10;
}
