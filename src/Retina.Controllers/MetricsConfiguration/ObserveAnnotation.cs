using k8s.Models;
using Retina.Api.MetricsConfiguration;
using Retina.Api.NodeRuntime;

namespace Retina.Controllers.MetricsConfiguration;

/// <summary>
/// Retina's annotation opt-in (<c>enableAnnotations</c>): a pod or namespace annotated <c>retina.sh: observe</c> gets
/// Retina's default pod-level metric set with Retina's default context labels, as if a MetricsConfiguration named
/// them. Pure: the node runtime reconciler feeds it its pod and namespace caches.
/// </summary>
/// <remarks>
/// Merge rule with MetricsConfigurations: one metric set per node. Each default metric's labels are the union of
/// the annotation's (ip, namespace, podname, workload) and every MetricsConfiguration's, its TTL the longest (unset
/// wins); a pod is reported when a MetricsConfiguration's namespaces cover it OR it or its namespace is annotated.
/// </remarks>
public static class ObserveAnnotation
{
    /// <summary>The annotation key and value Retina documents.</summary>
    public const string Key = "retina.sh";

    /// <summary>The key of Retina's older docs (<c>retina.sh/v1alpha1: observe</c>), accepted too.</summary>
    public const string LegacyKey = "retina.sh/v1alpha1";

    public const string Value = "observe";

    /// <summary>The name the annotation's metric set carries in NodeRuntime spec.metrics.sources and status.appliedMetrics.</summary>
    public const string SourceName = "retina.sh/observe";

    /// <summary>
    /// Retina's DefaultMetrics for annotations that are pod-level here (its API-server latency entries are node-level
    /// metrics of the apiserverlatency plugin in this project, on whenever that plugin runs).
    /// </summary>
    public static readonly string[] DefaultMetrics =
    [
        "forward_count", "forward_bytes", "drop_count", "drop_bytes", "tcp_flag_gauges", "tcp_retransmission_count",
        "dns_request_count", "dns_response_count",
    ];

    /// <summary>Retina's DefaultCtxOptions: ip, namespace, podname, workload (workload_kind and workload_name).</summary>
    public static readonly string[] DefaultLabels = [MetricLabels.Ip, MetricLabels.Namespace, MetricLabels.PodName, MetricLabels.Workload];

    /// <summary>True when the object is annotated <c>retina.sh: observe</c> (the value in any case).</summary>
    public static bool Observes(IDictionary<string, string>? annotations) =>
        annotations is not null
        && ((annotations.TryGetValue(Key, out var v) && string.Equals(v, Value, StringComparison.OrdinalIgnoreCase))
            || (annotations.TryGetValue(LegacyKey, out var l) && string.Equals(l, Value, StringComparison.OrdinalIgnoreCase)));

    /// <summary>What the annotation opts in on <paramref name="node"/>; null when nothing.</summary>
    public static NodeObservedSpec? Observed(string node, IEnumerable<V1Namespace> namespaces, IEnumerable<V1Pod> pods)
    {
        var ns = namespaces
            .Where(n => n.Metadata.DeletionTimestamp is null && Observes(n.Metadata.Annotations))
            .Select(n => n.Metadata.Name)
            .Order(StringComparer.Ordinal)
            .Take(NodeObservedSpec.MaxItems)
            .ToList();
        var covered = ns.ToHashSet(StringComparer.Ordinal);
        var observedPods = pods
            .Where(p => p.Spec?.NodeName == node && p.Metadata.DeletionTimestamp is null
                && p.Status?.Phase is not ("Succeeded" or "Failed")
                && !covered.Contains(p.Metadata.NamespaceProperty ?? "")
                && Observes(p.Metadata.Annotations))
            .Select(p => p.Metadata.NamespaceProperty + "/" + p.Metadata.Name)
            .Order(StringComparer.Ordinal)
            .Take(NodeObservedSpec.MaxItems)
            .ToList();
        return ns.Count == 0 && observedPods.Count == 0
            ? null
            : new NodeObservedSpec { Namespaces = ns.Count > 0 ? ns : null, Pods = observedPods.Count > 0 ? observedPods : null };
    }

    /// <summary>
    /// The node's metrics spec with the annotation's metric set merged in (see the merge rule above). Unchanged when
    /// nothing is observed; with no MetricsConfiguration merged the result has no namespaces section: only the observed
    /// pods and namespaces are reported.
    /// </summary>
    public static NodeMetricsSpec? Merge(NodeMetricsSpec? merged, NodeObservedSpec? observed, string? ttl)
    {
        if (observed is null)
        {
            return merged;
        }

        var defaults = DefaultMetrics.Select(m => new MetricsContextOptions
        {
            MetricName = m,
            SourceLabels = [.. DefaultLabels],
            DestinationLabels = [.. DefaultLabels],
            Ttl = ttl,
        });
        return new NodeMetricsSpec
        {
            ContextOptions = MetricsMerger.MergeOptions((merged?.ContextOptions ?? []).Concat(defaults)),
            Namespaces = merged?.Namespaces,
            Observed = observed,
            Sources = [.. merged?.Sources ?? [], new NodeMetricsSource { Name = SourceName }],
        };
    }
}
