namespace Retina.NodeRuntime.Plugins;

/// <summary>Retina's <c>enableTCX</c>: which TC hook attachments use.</summary>
public enum TcxMode
{
    /// <summary>tcx where the kernel has it, else clsact.</summary>
    Auto,

    /// <summary>tcx or nothing: an attach fails when tcx is unavailable.</summary>
    Always,

    /// <summary>clsact only.</summary>
    Off,
}
