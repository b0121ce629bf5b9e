using Retina.Api.NodeRuntime;
using Retina.NodeRuntime.Enrichment;

namespace Retina.NodeRuntime.AdvancedMetrics;

/// <summary>NodeRuntime spec.metrics.observed: the pods and namespaces the <c>retina.sh: observe</c> annotation opts in.</summary>
public sealed class ObservedFilter
{
    private readonly HashSet<string> namespaces;
    private readonly HashSet<string> pods;

    private ObservedFilter(HashSet<string> namespaces, HashSet<string> pods)
    {
        this.namespaces = namespaces;
        this.pods = pods;
    }

    public static ObservedFilter None { get; } = new([], []);

    public static ObservedFilter From(NodeObservedSpec? spec) => spec is null
        ? None
        : new(new HashSet<string>(spec.Namespaces ?? [], StringComparer.Ordinal), new HashSet<string>(spec.Pods ?? [], StringComparer.Ordinal));

    public bool Covers(PodInfo pod) => namespaces.Contains(pod.Namespace) || pods.Contains(pod.Namespace + "/" + pod.Name);
}
