namespace Retina.NodeRuntime.Capture;

/// <summary>The final word on one node's capture. No field carries a credential.</summary>
public sealed record CaptureResult
{
    public required CapturePhase Phase { get; init; }

    /// <summary>One of <see cref="CaptureReasons"/>.</summary>
    public required string Reason { get; init; }

    public required string Message { get; init; }

    public CaptureCounters Counters { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FirstPacketAt { get; init; }

    public DateTimeOffset? StoppedAt { get; init; }

    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>The local tarball, while it is kept (see <see cref="CaptureEngineOptions.KeepLocalArtifacts"/>).</summary>
    public string? ArtifactPath { get; init; }

    /// <summary><c>&lt;capture&gt;-&lt;node&gt;-&lt;YYYYMMDDhhmmss&gt;UTC.tar.gz</c>.</summary>
    public string? ArtifactName { get; init; }

    /// <summary>Lower-case hex SHA-256 of the tarball.</summary>
    public string? Sha256 { get; init; }

    public long ArtifactBytes { get; init; }

    /// <summary>Names of the capture files inside the tarball.</summary>
    public IReadOnlyList<string> CaptureFiles { get; init; } = [];

    /// <summary>Outputs that hold a complete, verified copy.</summary>
    public IReadOnlyList<CaptureArtifactLocation> Artifacts { get; init; } = [];
}
