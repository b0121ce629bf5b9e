namespace Retina.NodeRuntime.Capture;

/// <summary>A directory relative to the engine's host-path base directory; absolute paths and <c>..</c> are refused.</summary>
public sealed record HostPathOutputTarget(string RelativePath);
