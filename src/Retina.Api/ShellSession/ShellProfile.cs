namespace Retina.Api.ShellSession;

/// <summary>
/// One fixed recipe of privileges for a shell: the capabilities added to a container that drops ALL, whether it runs
/// as root, and whether seccomp and AppArmor must be unconfined for its tools to work. Named like kubectl debug's
/// profiles where they mean the same thing, plus Retina recipes (<c>bpf</c>). See <see cref="ShellProfiles"/>.
/// </summary>
public sealed record ShellProfile(
    string Name,
    IReadOnlyList<string> Capabilities,
    bool RunAsNonRoot,
    bool SeccompUnconfined,
    bool AppArmorUnconfined,
    string Purpose);
