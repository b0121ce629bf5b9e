namespace Retina.NodeRuntime.Capture;

/// <summary>A finished local tarball.</summary>
public sealed record CaptureArtifact(string Path, string Name, string Sha256, long Bytes);
