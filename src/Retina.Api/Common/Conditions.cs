namespace Retina.Api.Common;

/// <summary>Condition list helpers with Kubernetes semantics: the transition time moves only when the status changes.</summary>
public static class Conditions
{
    public static Condition? Find(IEnumerable<Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.Ordinal));

    public static bool IsTrue(IEnumerable<Condition>? conditions, string type) =>
        Find(conditions, type)?.Status == ConditionStatus.True;

    /// <summary>Sets or updates a condition in place. Returns true when anything changed.</summary>
    public static bool Set(
        List<Condition> conditions,
        string type,
        string status,
        string reason,
        string? message,
        long? observedGeneration,
        DateTime now)
    {
        var existing = Find(conditions, type);
        if (existing is null)
        {
            conditions.Add(new Condition
            {
                Type = type,
                Status = status,
                Reason = reason,
                Message = message,
                ObservedGeneration = observedGeneration,
                LastTransitionTime = Truncate(now),
            });
            return true;
        }

        var changed = existing.Status != status || existing.Reason != reason ||
                      existing.Message != message || existing.ObservedGeneration != observedGeneration;
        if (existing.Status != status)
        {
            existing.LastTransitionTime = Truncate(now);
        }

        existing.Status = status;
        existing.Reason = reason;
        existing.Message = message;
        existing.ObservedGeneration = observedGeneration;
        return changed;
    }

    public static bool Remove(List<Condition> conditions, string type) =>
        conditions.RemoveAll(c => string.Equals(c.Type, type, StringComparison.Ordinal)) > 0;

    // metav1.Time has second precision on the wire; keep ours the same so a round trip compares equal.
    private static DateTime Truncate(DateTime t) =>
        new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
