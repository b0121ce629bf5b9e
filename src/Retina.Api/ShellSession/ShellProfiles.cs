namespace Retina.Api.ShellSession;

/// <summary>
/// The profiles a ShellSession may name (<c>spec.profile</c>). Each is a fixed, documented set: a profile never grows
/// with the target or the image, and <c>spec.capabilities</c> adds to it only what the cluster admin allows.
/// Unlike kubectl debug, no profile sets <c>privileged: true</c> or mounts the host: those are asked for separately.
/// </summary>
public static class ShellProfiles
{
    public const string Restricted = "restricted";
    public const string Baseline = "baseline";
    public const string General = "general";
    public const string NetAdmin = "netadmin";
    public const string SysAdmin = "sysadmin";
    public const string Bpf = "bpf";

    /// <summary>The profile used when <c>spec.profile</c> is unset (the shell of before profiles existed: only <c>spec.capabilities</c>).</summary>
    public const string Default = Baseline;

    /// <summary>UID the non-root profiles run as (the shell image's <c>shell</c> user).</summary>
    public const long NonRootUid = 65532;

    public static readonly IReadOnlyList<ShellProfile> All =
    [
        new(Restricted, [], RunAsNonRoot: true, SeccompUnconfined: false, AppArmorUnconfined: false,
            "no capabilities, non-root: curl, dig and reading what the network namespace shows"),
        new(Baseline, [], RunAsNonRoot: false, SeccompUnconfined: false, AppArmorUnconfined: false,
            "root without capabilities: the tools of restricted plus files only root may read in the container"),
        new(General, ["SYS_PTRACE"], RunAsNonRoot: false, SeccompUnconfined: false, AppArmorUnconfined: false,
            "kubectl debug's general: inspect the target's processes (strace, /proc/PID/root)"),
        new(NetAdmin, ["NET_ADMIN", "NET_RAW"], RunAsNonRoot: false, SeccompUnconfined: false, AppArmorUnconfined: false,
            "kubectl debug's netadmin: ping, tcpdump, ip, ss, iptables/nft, conntrack"),
        new(SysAdmin, ["SYS_ADMIN", "SYS_PTRACE", "NET_ADMIN", "NET_RAW", "DAC_READ_SEARCH", "SYS_RESOURCE", "KILL"], RunAsNonRoot: false,
            SeccompUnconfined: false, AppArmorUnconfined: false,
            "kubectl debug's sysadmin, with explicit capabilities instead of privileged: true: mounts, namespaces, killing processes"),
        new(Bpf, ["BPF", "PERFMON", "NET_ADMIN", "SYS_RESOURCE"], RunAsNonRoot: false, SeccompUnconfined: true, AppArmorUnconfined: true,
            "bpftool, bpftrace, ig and pwru: load and inspect eBPF programs; the runtimes' default seccomp and AppArmor profiles refuse bpf() and perf_event_open()"),
    ];

    public static IEnumerable<string> Names => All.Select(p => p.Name);

    public static ShellProfile? Find(string? name) => All.FirstOrDefault(p => p.Name == (name ?? Default));

    /// <summary>The capabilities a session runs with: its profile's plus <c>spec.capabilities</c>, sorted, without duplicates.</summary>
    public static IReadOnlyList<string> EffectiveCapabilities(ShellSessionSpec spec) =>
        (Find(spec.Profile)?.Capabilities ?? []).Concat(spec.Capabilities ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>True when the container runs unconfined by seccomp: asked for, or needed by the profile unless turned off.</summary>
    public static bool EffectiveSeccompUnconfined(ShellSessionSpec spec) => spec.SeccompUnconfined ?? Find(spec.Profile)?.SeccompUnconfined ?? false;

    public static bool EffectiveAppArmorUnconfined(ShellSessionSpec spec) => spec.AppArmorUnconfined ?? Find(spec.Profile)?.AppArmorUnconfined ?? false;
}
