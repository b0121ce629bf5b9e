namespace Retina.Api.Common;

/// <summary>
/// The kstatus conditions (kubernetes-sigs/cli-utils pkg/kstatus) every kind carries next to its own, so
/// <c>kubectl wait --for=condition=Ready</c>, Flux health checks and Argo CD read one answer:
/// in progress (Reconciling=True, Ready=False), current (Ready=True) or failed (Stalled=True, Ready=False).
/// The "abnormal-true" conditions Reconciling and Stalled are removed when they do not apply.
/// Built on <see cref="Conditions.Set"/>: lastTransitionTime moves only when a status changes.
/// </summary>
public static class HealthConditions
{
    public const string Ready = "Ready";
    public const string Reconciling = "Reconciling";
    public const string Stalled = "Stalled";

    /// <summary>The object is still converging (e.g. a capture that runs). Returns true when anything changed.</summary>
    public static bool InProgress(List<Condition> conditions, string reason, string message, long? generation, DateTime now)
    {
        var changed = Conditions.Set(conditions, Ready, ConditionStatus.False, reason, message, generation, now);
        changed |= Conditions.Set(conditions, Reconciling, ConditionStatus.True, reason, message, generation, now);
        return changed | Conditions.Remove(conditions, Stalled);
    }

    /// <summary>The object reached what its spec asks for. Returns true when anything changed.</summary>
    public static bool Current(List<Condition> conditions, string reason, string message, long? generation, DateTime now)
    {
        var changed = Conditions.Set(conditions, Ready, ConditionStatus.True, reason, message, generation, now);
        changed |= Conditions.Remove(conditions, Reconciling);
        return changed | Conditions.Remove(conditions, Stalled);
    }

    /// <summary>The object cannot make progress without a change (invalid spec, failed capture). Returns true when anything changed.</summary>
    public static bool Failed(List<Condition> conditions, string reason, string message, long? generation, DateTime now)
    {
        var changed = Conditions.Set(conditions, Ready, ConditionStatus.False, reason, message, generation, now);
        changed |= Conditions.Set(conditions, Stalled, ConditionStatus.True, reason, message, generation, now);
        return changed | Conditions.Remove(conditions, Reconciling);
    }
}
