using Retina.Api.MetricsConfiguration;

namespace Retina.NodeRuntime.AdvancedMetrics;

/// <summary>MetricsConfiguration.namespaces: include list, exclude list, or every namespace.</summary>
public sealed class NamespaceFilter
{
    private readonly HashSet<string>? include;
    private readonly HashSet<string>? exclude;

    private NamespaceFilter(HashSet<string>? include, HashSet<string>? exclude)
    {
        this.include = include;
        this.exclude = exclude;
    }

    public static NamespaceFilter All { get; } = new(null, null);

    /// <summary>Covers no namespace (only the retina.sh: observe annotation's pods are reported).</summary>
    public static NamespaceFilter Nothing { get; } = new([], null);

    public static NamespaceFilter From(MetricsNamespaces? namespaces) =>
        namespaces?.Include is { Count: > 0 } inc ? new(new HashSet<string>(inc, StringComparer.Ordinal), null)
        : namespaces?.Exclude is { Count: > 0 } exc ? new(null, new HashSet<string>(exc, StringComparer.Ordinal))
        : All;

    public bool Covers(string ns) => include?.Contains(ns) ?? !(exclude?.Contains(ns) ?? false);
}
