namespace Retina.NodeRuntime.Plugins;

/// <summary>The three answers of a kernel probe.</summary>
public enum ProbeOutcome
{
    Supported,
    Unsupported,

    /// <summary>Could not tell (e.g. no BTF): try the hook and fall back if attaching fails.</summary>
    Inconclusive,
}

/// <summary>A probe's answer with the reason when it is not a plain yes.</summary>
public readonly record struct ProbeResult(ProbeOutcome Outcome, string Reason)
{
    public static ProbeResult Supported { get; } = new(ProbeOutcome.Supported, "");

    public static ProbeResult Unsupported(string reason) => new(ProbeOutcome.Unsupported, reason);

    public static ProbeResult Inconclusive(string reason) => new(ProbeOutcome.Inconclusive, reason);

    public bool IsUnsupported => Outcome == ProbeOutcome.Unsupported;
}
