namespace Retina.NodeRuntime.Capture.Outputs;

/// <summary>An output problem that retrying cannot fix (a refused path, a conflicting object).</summary>
public sealed class OutputPermanentException(string message) : Exception(message);
