using k8s.Models;

namespace Retina.Kube.Status;

/// <summary>The same rule as <see cref="JsonConditions"/> for lists of KubernetesClient's <see cref="V1Condition"/>.</summary>
public static class Conditions
{
    /// <summary>Sets the condition; keeps lastTransitionTime unless the status changed. Returns true when anything changed.</summary>
    public static bool Set(IList<V1Condition> conditions, V1Condition condition, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentNullException.ThrowIfNull(condition);
        var existing = conditions.FirstOrDefault(c => c.Type == condition.Type);
        condition.LastTransitionTime = existing is not null && existing.Status == condition.Status
            ? existing.LastTransitionTime
            : now.UtcDateTime;
        if (existing is not null && existing.Status == condition.Status && existing.Reason == condition.Reason
            && existing.Message == condition.Message && existing.ObservedGeneration == condition.ObservedGeneration)
        {
            return false;
        }

        if (existing is null)
        {
            conditions.Add(condition);
        }
        else
        {
            conditions[conditions.IndexOf(existing)] = condition;
        }

        return true;
    }
}
