namespace Retina.NodeRuntime.Capture;

/// <summary>Where a finished artifact went: <see cref="Kind"/> is hostPath, blob or s3; <see cref="Location"/> carries no credential.</summary>
public sealed record CaptureArtifactLocation(string Kind, string Location);
