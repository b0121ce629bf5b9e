namespace Retina.Api.Capture;

/// <summary>Helpers over a <see cref="CaptureTarget"/>.</summary>
public static class CaptureTargets
{
    /// <summary>True when no target is chosen at all.</summary>
    public static bool IsEmpty(CaptureTarget? t) =>
        t is null or { NodeSelector: null, NamespaceSelector: null, PodSelector: null, PodNames: null, WorkloadRef: null };
}
