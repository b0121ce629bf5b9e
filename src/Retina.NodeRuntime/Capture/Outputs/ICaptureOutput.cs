namespace Retina.NodeRuntime.Capture.Outputs;

/// <summary>
/// One destination for a capture's tarball. <see cref="DeliverAsync"/> returns only when a complete copy is in place and
/// verified against the artifact's SHA-256; delivering the same artifact twice leaves one copy.
/// </summary>
public interface ICaptureOutput
{
    /// <summary>hostPath, blob or s3.</summary>
    string Kind { get; }

    Task<CaptureArtifactLocation> DeliverAsync(CaptureArtifact artifact, CancellationToken cancellationToken);
}
