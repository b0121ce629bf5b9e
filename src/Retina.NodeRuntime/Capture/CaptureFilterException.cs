namespace Retina.NodeRuntime.Capture;

/// <summary>A filter field the user wrote cannot become a packet filter; the message names the field and the value.</summary>
public sealed class CaptureFilterException(string message) : Exception(message);
