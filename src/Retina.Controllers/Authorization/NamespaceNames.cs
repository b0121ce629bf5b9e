using Retina.Api.Common;

namespace Retina.Controllers.Authorization;

/// <summary>
/// The namespaces a namespace selector names for good: those it pins by <c>kubernetes.io/metadata.name</c>, the label
/// the API server sets to every namespace's name and refuses to change. Any other label can be added to a namespace
/// later by whoever may update it, so a selector on other labels has no fixed set.
/// </summary>
public static class NamespaceNames
{
    public const string NameLabel = "kubernetes.io/metadata.name";

    /// <returns>The only namespaces the selector can ever match (possibly none), or null when it is not pinned.</returns>
    public static IReadOnlySet<string>? PinnedBy(LabelSelector selector)
    {
        HashSet<string>? pinned = null;
        if (selector.MatchLabels?.TryGetValue(NameLabel, out var name) == true)
        {
            pinned = [name];
        }

        foreach (var e in selector.MatchExpressions ?? [])
        {
            if (e.Key == NameLabel && e.Operator == "In")
            {
                var values = (e.Values ?? []).ToHashSet(StringComparer.Ordinal);
                pinned = pinned is null ? values : [.. pinned.Intersect(values, StringComparer.Ordinal)];
            }
            else if (e.Key == NameLabel && e.Operator == "DoesNotExist")
            {
                return new HashSet<string>(StringComparer.Ordinal); // every namespace has the label
            }
        }

        return pinned;
    }
}
