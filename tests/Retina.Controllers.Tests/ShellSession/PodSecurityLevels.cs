using k8s.Models;

namespace Retina.Controllers.Tests.ShellSession;

/// <summary>
/// The Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards, v1.30+) checks that a
/// shell's pod or ephemeral container can trip, written from the published tables: the lowest level that admits it.
/// </summary>
internal static class PodSecurityLevels
{
    public const string Restricted = "restricted";
    public const string Baseline = "baseline";
    public const string Privileged = "privileged";

    private static readonly HashSet<string> BaselineCapabilities =
        ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"];

    /// <summary>The level of a pod (all its containers, init and ephemeral ones included).</summary>
    public static string Of(V1Pod pod)
    {
        var spec = pod.Spec;
        var contexts = spec.Containers.Select(c => c.SecurityContext)
            .Concat((spec.EphemeralContainers ?? []).Select(c => c.SecurityContext)).ToList();
        if (spec.HostNetwork == true || spec.HostPID == true || spec.HostIPC == true || (spec.Volumes ?? []).Any(v => v.HostPath is not null)
            || contexts.Any(FailsBaseline))
        {
            return Privileged;
        }

        return contexts.All(PassesRestricted) && (spec.Volumes ?? []).All(v => v.HostPath is null) ? Restricted : Baseline;
    }

    /// <summary>The level of a pod that runs only this ephemeral container next to a restricted app container.</summary>
    public static string Of(V1EphemeralContainer container) => Of(new V1Pod
    {
        Spec = new V1PodSpec
        {
            Containers = [new V1Container { Name = "app", SecurityContext = RestrictedApp }],
            EphemeralContainers = [container],
        },
    });

    private static readonly V1SecurityContext RestrictedApp = new()
    {
        AllowPrivilegeEscalation = false,
        RunAsNonRoot = true,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };

    private static bool FailsBaseline(V1SecurityContext? c) =>
        c?.Privileged == true
        || (c?.Capabilities?.Add ?? []).Any(a => !BaselineCapabilities.Contains(a))
        || c?.SeccompProfile?.Type == "Unconfined"
        || c?.AppArmorProfile?.Type == "Unconfined"
        || c?.ProcMount is "Unmasked";

    private static bool PassesRestricted(V1SecurityContext? c) =>
        c is not null
        && c.AllowPrivilegeEscalation == false
        && c.RunAsNonRoot == true && c.RunAsUser != 0
        && c.Capabilities?.Drop?.Contains("ALL") == true
        && (c.Capabilities.Add ?? []).All(a => a == "NET_BIND_SERVICE")
        && c.SeccompProfile?.Type is "RuntimeDefault" or "Localhost";
}
