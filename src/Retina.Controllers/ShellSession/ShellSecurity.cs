using k8s.Models;
using Retina.Api.ShellSession;

namespace Retina.Controllers.ShellSession;

/// <summary>
/// The container security context of a shell, the same for a node pod and an ephemeral container: every capability
/// dropped and exactly the profile's (plus the allowed extras) added, never <c>privileged</c>, root or non-root as the
/// profile says, seccomp and AppArmor RuntimeDefault unless the profile (or the spec) needs them unconfined.
/// </summary>
public static class ShellSecurity
{
    public const string RuntimeDefault = "RuntimeDefault";
    public const string Unconfined = "Unconfined";

    public static V1SecurityContext For(ShellSessionSpec spec)
    {
        var profile = ShellProfiles.Find(spec.Profile) ?? ShellProfiles.Find(ShellProfiles.Default)!;
        var caps = ShellProfiles.EffectiveCapabilities(spec);
        return new V1SecurityContext
        {
            Privileged = false,

            // The API server refuses CAP_SYS_ADMIN with allowPrivilegeEscalation: false (the kernel would grant it anyway).
            AllowPrivilegeEscalation = caps.Contains("SYS_ADMIN"),
            Capabilities = new V1Capabilities { Drop = ["ALL"], Add = caps.Count == 0 ? null : [.. caps] },
            RunAsNonRoot = profile.RunAsNonRoot ? true : null,
            RunAsUser = profile.RunAsNonRoot ? ShellProfiles.NonRootUid : 0,
            RunAsGroup = profile.RunAsNonRoot ? ShellProfiles.NonRootUid : 0,
            SeccompProfile = new V1SeccompProfile { Type = ShellProfiles.EffectiveSeccompUnconfined(spec) ? Unconfined : RuntimeDefault },
            AppArmorProfile = new V1AppArmorProfile { Type = ShellProfiles.EffectiveAppArmorUnconfined(spec) ? Unconfined : RuntimeDefault },
        };
    }

    /// <summary>What status.confinement shows.</summary>
    public static string Describe(ShellSessionSpec spec) =>
        $"seccomp={(ShellProfiles.EffectiveSeccompUnconfined(spec) ? Unconfined : RuntimeDefault)} apparmor={(ShellProfiles.EffectiveAppArmorUnconfined(spec) ? Unconfined : RuntimeDefault)}";
}
