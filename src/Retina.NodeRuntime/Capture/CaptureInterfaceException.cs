namespace Retina.NodeRuntime.Capture;

/// <summary>A requested interface is missing or cannot be captured; the message names it and what exists instead.</summary>
public sealed class CaptureInterfaceException(string message) : Exception(message);
