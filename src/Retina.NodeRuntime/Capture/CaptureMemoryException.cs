namespace Retina.NodeRuntime.Capture;

/// <summary>A capture's packet rings do not fit in the node's <see cref="CaptureMemoryBudget"/>.</summary>
public sealed class CaptureMemoryException(string message) : Exception(message);
