using Retina.Api.Common;
using Retina.Api.ShellSession;
using Retina.Controllers.Validation;
using Session = Retina.Api.ShellSession.ShellSession;

namespace Retina.Controllers.ShellSession;

/// <summary>
/// Writes a ShellSession's status: what it runs with (profile, capabilities, host filesystem, confinement, image,
/// expiry, requester: no value chosen for the user stays hidden) and the phase with its kstatus conditions. Shared by
/// the cluster reconciler and local mode, so both show the same fields.
/// </summary>
public static class ShellStatusWriter
{
    /// <summary>The fields that follow from the spec and the policy. Returns true when anything changed.</summary>
    public static bool Describe(Session s, ShellPolicy policy, DateTime expiresAt)
    {
        var status = s.Status ??= new ShellSessionStatus();
        var before = System.Text.Json.JsonSerializer.Serialize(status);
        status.Target = s.Spec.Target.NodeName is { } n ? "node/" + n : s.Spec.Target.Pod is { } p ? "pod/" + p.Name : null;
        status.Profile = s.Spec.Profile ?? ShellProfiles.Default;
        status.Capabilities = [.. ShellProfiles.EffectiveCapabilities(s.Spec)];
        status.HostFilesystem = HostFilesystemMode.Effective(s.Spec);
        status.Confinement = ShellSecurity.Describe(s.Spec);
        status.Image = policy.ImageOf(s.Spec);
        status.ExpiresAt = expiresAt;
        status.CreatedBy = ShellRequester.Stamp(s) ?? status.CreatedBy;
        return before != System.Text.Json.JsonSerializer.Serialize(status);
    }

    /// <summary>Phase, times and conditions from an observation of the shell. Returns true when anything changed.</summary>
    public static bool Observe(Session s, ShellObservation o, DateTime now)
    {
        var status = s.Status ??= new ShellSessionStatus();
        var generation = s.Metadata.Generation;
        var changed = status.Phase != o.Phase;
        status.Phase = o.Phase;
        if (o.Phase == ShellPhase.Running)
        {
            status.StartTime ??= o.StartedAt ?? now;
        }

        if (ShellPhase.IsFinished(o.Phase))
        {
            status.CompletionTime ??= now;
        }

        var accepted = o.Reason != ShellReasons.InvalidSpec;
        changed |= Conditions.Set(s.StatusConditions, AcceptanceReconciler<Session>.ConditionAccepted, accepted ? ConditionStatus.True : ConditionStatus.False,
            accepted ? AcceptanceReconciler<Session>.ReasonValid : ShellReasons.InvalidSpec, accepted ? "spec is valid" : o.Message, generation, now);
        changed |= o.Phase switch
        {
            ShellPhase.Failed => HealthConditions.Failed(s.StatusConditions, o.Reason, o.Message, generation, now),
            ShellPhase.Pending => HealthConditions.InProgress(s.StatusConditions, o.Reason, o.Message, generation, now),
            _ => HealthConditions.Current(s.StatusConditions, o.Reason, o.Message, generation, now),
        };
        return changed;
    }
}
