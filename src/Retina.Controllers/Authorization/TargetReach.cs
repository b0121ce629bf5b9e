using Retina.Api.Capture;

namespace Retina.Controllers.Authorization;

/// <summary>
/// What a capture or trace target can reach, each part with the reason a denial quotes: whole nodes, any namespace
/// (including ones created later), or a fixed set of namespaces.
/// </summary>
/// <param name="NodeWideBecause">Set when whole nodes are reached (their host interfaces and node network metadata).</param>
/// <param name="AnyNamespaceBecause">Set when the namespaces reached are not fixed when the object is applied.</param>
/// <param name="Namespaces">Namespaces reached by name, each with why (ordinal order).</param>
public sealed record TargetReach(string? NodeWideBecause, string? AnyNamespaceBecause, IReadOnlyDictionary<string, string> Namespaces)
{
    public bool NodeWide => NodeWideBecause is not null;

    public bool AnyNamespace => AnyNamespaceBecause is not null;

    /// <summary>Reaches nothing at all (an empty target; validation reports it).</summary>
    public static TargetReach None { get; } = new(null, null, new SortedDictionary<string, string>(StringComparer.Ordinal));

    /// <summary>
    /// The reach of <paramref name="target"/> written at <paramref name="field"/> in an object of namespace <paramref name="own"/>.
    /// nodeSelector reaches nodes; podNames, workloadRef and a lone podSelector the own namespace; a namespaceSelector the
    /// namespaces it pins by <c>kubernetes.io/metadata.name</c> (a label the API server sets and nobody can change), or
    /// any namespace when it selects by other labels, which anyone who can label a namespace could make it match.
    /// </summary>
    public static TargetReach Of(CaptureTarget? target, string own, string field)
    {
        if (target is null || CaptureTargets.IsEmpty(target))
        {
            return None;
        }

        var namespaces = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (target.NodeSelector is not null)
        {
            return new TargetReach($"{field}.nodeSelector captures whole nodes", null, namespaces);
        }

        if (target.NamespaceSelector is not { } selector)
        {
            namespaces[own] = $"{field} selects pods of the object's own namespace";
            return new TargetReach(null, null, namespaces);
        }

        if (NamespaceNames.PinnedBy(selector) is not { } pinned)
        {
            return new TargetReach(null, $"{field}.namespaceSelector can match any namespace, including ones created later; " +
                $"pin it with {NamespaceNames.NameLabel} to name the namespaces", namespaces);
        }

        foreach (var ns in pinned)
        {
            namespaces[ns] = $"{field}.namespaceSelector matches it";
        }

        return new TargetReach(null, null, namespaces);
    }

    /// <summary>Both reaches together (each reason kept from the first that set it).</summary>
    public TargetReach Union(TargetReach other)
    {
        var namespaces = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (ns, why) in Namespaces.Concat(other.Namespaces))
        {
            namespaces.TryAdd(ns, why);
        }

        return new TargetReach(NodeWideBecause ?? other.NodeWideBecause, AnyNamespaceBecause ?? other.AnyNamespaceBecause, namespaces);
    }

    /// <summary>
    /// Why <paramref name="inner"/> reaches further than this reach, or null when this covers it: whole nodes need
    /// whole nodes; any namespace needs any namespace; a named namespace needs that name or any namespace.
    /// </summary>
    public string? Excess(TargetReach inner)
    {
        if (inner.NodeWide && !NodeWide)
        {
            return $"{inner.NodeWideBecause}, which the policy may not";
        }

        if (AnyNamespace)
        {
            return null;
        }

        if (inner.AnyNamespace)
        {
            return $"{inner.AnyNamespaceBecause}; the policy may reach only {Names()}";
        }

        var outside = inner.Namespaces.Keys.Where(ns => !Namespaces.ContainsKey(ns)).ToList();
        return outside.Count == 0 ? null : $"it reaches namespace(s) {string.Join(", ", outside)}; the policy may reach only {Names()}";
    }

    private string Names() => Namespaces.Count == 0 ? "no namespace" : string.Join(", ", Namespaces.Keys);
}
