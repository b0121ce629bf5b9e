using Retina.Api.MetricsConfiguration;
using Retina.Api.NodeRuntime;
using MetricsConfig = Retina.Api.MetricsConfiguration.MetricsConfiguration;

namespace Retina.Controllers.MetricsConfiguration;

/// <summary>
/// Merges every accepted MetricsConfiguration into the one metric shape each node runs, deterministically:
/// the result depends only on the set of configurations, never on the order they arrived in.
/// Per metric: the union of labels (matched in any case, unknown ones dropped), in Retina's fixed order, and the longest TTL (a TTL left unset,
/// meaning never expire, wins). Namespaces: a namespace covered by any configuration is covered.
/// </summary>
public static class MetricsMerger
{
    /// <summary>
    /// The accepted configurations that reach the nodes: the first <see cref="NodeMetricsSpec.MaxSources"/> by name
    /// (the cap of NodeRuntime spec.metrics.sources) whose included namespaces fit, together, in the
    /// <see cref="MetricsNamespaces.MaxNamespaces"/> of spec.metrics.namespaces.include. The others are told so in their status.
    /// </summary>
    public static List<MetricsConfig> Admitted(IEnumerable<MetricsConfig> accepted)
    {
        // The merged include list is a union: it is the one list that can outgrow its cap (an exclude result is an
        // intersection, never longer than one configuration's list). A configuration that would take it past the cap
        // waits like one past the sources cap.
        var admitted = new List<MetricsConfig>();
        var included = new HashSet<string>(StringComparer.Ordinal);
        foreach (var config in accepted.OrderBy(c => c.Metadata.Name, StringComparer.Ordinal))
        {
            if (admitted.Count == NodeMetricsSpec.MaxSources)
            {
                break;
            }

            var include = config.Spec.Namespaces.Include ?? [];
            if (included.Count + include.Count(n => !included.Contains(n)) > MetricsNamespaces.MaxNamespaces)
            {
                continue;
            }

            included.UnionWith(include);
            admitted.Add(config);
        }

        return admitted;
    }

    public static NodeMetricsSpec? Merge(IEnumerable<MetricsConfig> accepted)
    {
        var configs = Admitted(accepted);
        if (configs.Count == 0)
        {
            return null;
        }

        var options = MergeOptions(configs.SelectMany(c => c.Spec.ContextOptions));

        return new NodeMetricsSpec
        {
            ContextOptions = options,
            Namespaces = MergeNamespaces(configs.Select(c => c.Spec.Namespaces)),
            Sources = configs.Select(c => new NodeMetricsSource { Name = c.Metadata.Name, Generation = c.Metadata.Generation ?? 0 }).ToList(),
        };
    }

    /// <summary>One option per metric, sorted by name: the union of labels and the longest TTL of every option naming it.</summary>
    public static List<MetricsContextOptions> MergeOptions(IEnumerable<MetricsContextOptions> options) => options
        .GroupBy(o => o.MetricName, StringComparer.Ordinal)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(MergeMetric)
        .ToList();

    private static MetricsContextOptions MergeMetric(IGrouping<string, MetricsContextOptions> options) => new()
    {
        MetricName = options.Key,
        SourceLabels = Union(options.Select(o => o.SourceLabels), MetricLabels.ContextOrder),
        DestinationLabels = Union(options.Select(o => o.DestinationLabels), MetricLabels.ContextOrder),
        AdditionalLabels = Union(options.Select(o => o.AdditionalLabels), MetricLabels.AdditionalOrder),
        Ttl = LongestTtl(options.Select(o => o.Ttl)),
    };

    /// <summary>Known tokens in any case, normalised (Retina's reading: podName is podname, pod is nothing).</summary>
    private static List<string>? Union(IEnumerable<List<string>?> lists, IReadOnlyList<string> order)
    {
        var all = MetricLabels.Known(lists.Where(l => l is not null).SelectMany(l => l!), order);
        return all.Count == 0 ? null : all;
    }

    private static string? LongestTtl(IEnumerable<string?> ttls)
    {
        string? longest = null;
        var longestSpan = TimeSpan.MinValue;
        foreach (var ttl in ttls)
        {
            if (ttl is null || !Api.Common.GoDuration.TryParse(ttl, out var span) || span == TimeSpan.Zero)
            {
                return null;
            }

            if (span > longestSpan)
            {
                (longest, longestSpan) = (ttl, span);
            }
        }

        return longest;
    }

    /// <summary>
    /// The union of what each configuration covers. Includes add namespaces; an exclude covers everything
    /// but its list, so with any exclude the result excludes only what every exclude list names and no
    /// include list covers.
    /// </summary>
    public static MetricsNamespaces MergeNamespaces(IEnumerable<MetricsNamespaces> namespaces)
    {
        var list = namespaces.ToList();
        var includes = list.Where(n => n.Include is not null).SelectMany(n => n.Include!).ToHashSet(StringComparer.Ordinal);
        var excludeLists = list.Where(n => n.Exclude is not null).Select(n => n.Exclude!.ToHashSet(StringComparer.Ordinal)).ToList();
        if (excludeLists.Count == 0)
        {
            return new MetricsNamespaces { Include = includes.Order(StringComparer.Ordinal).ToList() };
        }

        var excluded = excludeLists.Aggregate((a, b) => a.Intersect(b, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal));
        excluded.ExceptWith(includes);
        return new MetricsNamespaces { Exclude = excluded.Order(StringComparer.Ordinal).ToList() };
    }
}
