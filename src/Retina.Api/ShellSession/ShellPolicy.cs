namespace Retina.Api.ShellSession;

/// <summary>
/// What the cluster admin allows ShellSessions (controller configuration <c>Retina:Controller:Shell*</c>). Admission
/// and the reconciler judge a session with the same policy, so what the webhook accepts is what runs.
/// </summary>
public sealed record ShellPolicy
{
    public static readonly ShellPolicy Default = new();

    /// <summary>Longest TTL.</summary>
    public TimeSpan MaxTtl { get; init; } = ShellSessionValidator.DefaultMaxTtl;

    /// <summary>Profiles a session may name.</summary>
    public IReadOnlyList<string> AllowedProfiles { get; init; } = [.. ShellProfiles.Names];

    /// <summary>Capabilities <c>spec.capabilities</c> may add (a profile's own capabilities come with the profile).</summary>
    public IReadOnlyList<string> AllowedCapabilities { get; init; } = ["NET_ADMIN", "NET_RAW", "NET_BIND_SERVICE", "SYS_PTRACE", "BPF", "PERFMON", "SYS_RESOURCE", "DAC_READ_SEARCH", "KILL"];

    /// <summary>Images <c>spec.image</c> may name: exact references, or prefixes ending in <c>*</c>. Empty: only the default image.</summary>
    public IReadOnlyList<string> AllowedImages { get; init; } = [];

    /// <summary>The image used when <c>spec.image</c> is unset.</summary>
    public string DefaultImage { get; init; } = "ghcr.io/retina-dotnet/retina-shell:0.1.0";

    /// <summary>Whether a shell may run without seccomp confinement (needed by the bpf profile).</summary>
    public bool AllowSeccompUnconfined { get; init; } = true;

    /// <summary>Whether a shell may run without AppArmor confinement (needed by the bpf profile).</summary>
    public bool AllowAppArmorUnconfined { get; init; } = true;

    public bool AllowsImage(string image) => image == DefaultImage || AllowedImages.Any(a =>
        a.EndsWith('*') ? image.StartsWith(a[..^1], StringComparison.Ordinal) : a == image);

    /// <summary>The image a session runs.</summary>
    public string ImageOf(ShellSessionSpec spec) => spec.Image ?? DefaultImage;
}
