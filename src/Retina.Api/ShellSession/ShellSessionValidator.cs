using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.ShellSession;

/// <summary>
/// Validates a ShellSession: schema rules, node-only options, the older host-filesystem booleans against
/// <c>hostFilesystem</c>, and the cluster admin's <see cref="ShellPolicy"/> (TTL cap, profiles, capabilities,
/// images, unconfined seccomp/AppArmor). Every problem names its field.
/// </summary>
public sealed class ShellSessionValidator(ShellPolicy policy) : IValidator<ShellSession>
{
    public static readonly TimeSpan DefaultMaxTtl = TimeSpan.FromHours(4);

    public ShellSessionValidator()
        : this(ShellPolicy.Default)
    {
    }

    public ShellSessionValidator(TimeSpan maxTtl)
        : this(ShellPolicy.Default with { MaxTtl = maxTtl })
    {
    }

    public ShellPolicy Policy => policy;

    public ValidationReport Validate(ShellSession resource)
    {
        var report = new ValidationReport();
        var spec = resource.Spec;
        SchemaRules.Validate(spec, "spec", report);
        ValidateDurations(spec, report);
        ValidateTarget(spec, report);
        ValidatePolicy(spec, report);
        return report;
    }

    private void ValidateDurations(ShellSessionSpec spec, ValidationReport report)
    {
        if (GoDuration.TryParse(spec.Ttl, out var ttl))
        {
            if (ttl <= TimeSpan.Zero)
            {
                report.Add("spec.ttl", $"\"{spec.Ttl}\" must be more than 0s");
            }
            else if (ttl > policy.MaxTtl)
            {
                report.Add("spec.ttl", $"\"{spec.Ttl}\" is longer than the cap of {GoDuration.Format(policy.MaxTtl)} set by the cluster admin");
            }
        }

        if (spec.IdleTimeout is { } idle && GoDuration.TryParse(idle, out var idleSpan) && idleSpan < TimeSpan.FromSeconds(1))
        {
            report.Add("spec.idleTimeout", $"\"{idle}\" must be at least 1s");
        }
    }

    private static void ValidateTarget(ShellSessionSpec spec, ValidationReport report)
    {
        if (spec.HostFilesystem is not null && (spec.MountHostFilesystem is not null || spec.AllowHostFilesystemWrite is not null))
        {
            report.Add(spec.MountHostFilesystem is not null ? "spec.mountHostFilesystem" : "spec.allowHostFilesystemWrite",
                "is replaced by spec.hostFilesystem (None, ReadOnly or ReadWrite): set only hostFilesystem");
        }

        if (spec.Target.Pod is null)
        {
            return;
        }

        if (spec.HostPid == true)
        {
            report.Add("spec.hostPID", "applies only to node shells (target.nodeName)");
        }

        if (spec.MountHostFilesystem == true)
        {
            report.Add("spec.mountHostFilesystem", "applies only to node shells (target.nodeName)");
        }

        if (spec.HostFilesystem is HostFilesystemMode.ReadOnly or HostFilesystemMode.ReadWrite)
        {
            report.Add("spec.hostFilesystem", "applies only to node shells (target.nodeName): an ephemeral container cannot add volumes");
        }
    }

    private void ValidatePolicy(ShellSessionSpec spec, ValidationReport report)
    {
        var profile = spec.Profile ?? ShellProfiles.Default;
        if (!policy.AllowedProfiles.Contains(profile, StringComparer.Ordinal))
        {
            report.Add("spec.profile", $"\"{profile}\"{(spec.Profile is null ? " (the default)" : "")} is not allowed by the cluster admin (allowed: {List(policy.AllowedProfiles)})");
        }

        var own = ShellProfiles.Find(profile)?.Capabilities ?? [];
        foreach (var cap in (spec.Capabilities ?? []).Where(c => !own.Contains(c) && !policy.AllowedCapabilities.Contains(c, StringComparer.Ordinal)))
        {
            report.Add("spec.capabilities", $"{cap} is not allowed by the cluster admin (allowed on top of a profile: {List(policy.AllowedCapabilities)})");
        }

        if (ShellProfiles.Find(profile) is { RunAsNonRoot: true } && spec.Capabilities is { Count: > 0 })
        {
            report.Add("spec.capabilities", $"profile {profile} runs as a non-root user, which cannot use added capabilities: choose baseline or another root profile");
        }

        if (spec.Image is { } image && !policy.AllowsImage(image))
        {
            report.Add("spec.image", $"\"{image}\" is not allowed by the cluster admin (allowed: {List([policy.DefaultImage, .. policy.AllowedImages])})");
        }

        if (ShellProfiles.EffectiveSeccompUnconfined(spec) && !policy.AllowSeccompUnconfined)
        {
            report.Add("spec.seccompUnconfined", spec.SeccompUnconfined == true
                ? "the cluster admin does not allow shells without seccomp confinement"
                : $"profile {profile} needs seccomp unconfined, which the cluster admin does not allow (set seccompUnconfined: false to run it confined anyway)");
        }

        if (ShellProfiles.EffectiveAppArmorUnconfined(spec) && !policy.AllowAppArmorUnconfined)
        {
            report.Add("spec.apparmorUnconfined", spec.AppArmorUnconfined == true
                ? "the cluster admin does not allow shells without AppArmor confinement"
                : $"profile {profile} needs AppArmor unconfined, which the cluster admin does not allow (set apparmorUnconfined: false to run it confined anyway)");
        }
    }

    private static string List(IEnumerable<string> values) => values.Any() ? string.Join(", ", values) : "none";
}
