using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.Common;

namespace Retina.Controllers.Capture;

/// <summary>
/// Turns a Capture's target into nodes and, for pod targets, the pod IPs on each node. Pure: the caller passes what
/// the caches hold. A namespace selector reaches another namespace only when the cluster admin's cap allows that
/// TARGETED namespace to be captured from elsewhere (<c>CrossNamespaceCapture</c>); who may target it at all is decided
/// at admission by a SubjectAccessReview of the author (<c>Authorization/CaptureAuthorizationRule</c>).
/// </summary>
public static class CaptureTargetResolver
{
    public sealed record Result(SortedDictionary<string, SortedSet<string>> Nodes, IReadOnlyList<string> Notes);

    public static Result Resolve(
        Api.Capture.Capture capture,
        IEnumerable<V1Node> nodes,
        IEnumerable<V1Pod> pods,
        IEnumerable<V1Namespace> namespaces,
        V1LabelSelector? workloadSelector,
        Func<string, bool> mayBeCapturedFromOtherNamespaces)
    {
        var target = capture.Spec.CaptureConfiguration.CaptureTarget!;
        var ns = capture.Metadata.NamespaceProperty;
        var result = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var notes = new List<string>();

        if (target.NodeSelector is { } nodeSelector)
        {
            foreach (var node in nodes.Where(n => nodeSelector.Matches(Labels(n.Metadata))))
            {
                result[node.Metadata.Name] = [];
            }

            return new Result(result, notes);
        }

        Func<V1Pod, bool> selects;
        if (target.PodNames is { } names)
        {
            var wanted = names.ToHashSet(StringComparer.Ordinal);
            selects = p => p.Metadata.NamespaceProperty == ns && wanted.Contains(p.Metadata.Name);
        }
        else if (target.WorkloadRef is { } workload)
        {
            if (workloadSelector is null)
            {
                notes.Add($"{workload.Kind} {ns}/{workload.Name} not found");
                return new Result(result, notes);
            }

            var selector = FromKube(workloadSelector);
            selects = p => p.Metadata.NamespaceProperty == ns && selector.Matches(Labels(p.Metadata));
        }
        else
        {
            var podSelector = target.PodSelector ?? new LabelSelector();
            var allowed = AllowedNamespaces(target.NamespaceSelector, ns, namespaces, mayBeCapturedFromOtherNamespaces, notes);
            selects = p => allowed.Contains(p.Metadata.NamespaceProperty) && podSelector.Matches(Labels(p.Metadata));
        }

        var selected = pods.Where(selects).ToList();
        var hostNetwork = selected.Where(p => p.Spec?.HostNetwork == true).Select(p => p.Metadata.Name).Order(StringComparer.Ordinal).ToList();
        if (hostNetwork.Count > 0)
        {
            // Their IP is the node's: narrowing to it would capture the whole node, so say so instead of doing it.
            notes.Add($"pods on the host network are not captured by pod target (capture their node instead): {string.Join(", ", hostNetwork.Take(5))}");
        }

        foreach (var pod in selected.Where(IsCapturable))
        {
            if (!result.TryGetValue(pod.Spec.NodeName, out var ips))
            {
                result[pod.Spec.NodeName] = ips = new SortedSet<string>(StringComparer.Ordinal);
            }

            foreach (var ip in pod.Status.PodIPs?.Select(i => i.Ip) ?? [pod.Status.PodIP])
            {
                ips.Add(ip);
            }
        }

        return new Result(result, notes);
    }

    private static HashSet<string> AllowedNamespaces(LabelSelector? selector, string own, IEnumerable<V1Namespace> namespaces,
        Func<string, bool> mayBeCapturedFromOtherNamespaces, List<string> notes)
    {
        if (selector is null)
        {
            return [own];
        }

        var matched = namespaces.Where(n => selector.Matches(Labels(n.Metadata))).Select(n => n.Metadata.Name).ToList();
        var denied = matched.Where(n => n != own && !mayBeCapturedFromOtherNamespaces(n)).Order(StringComparer.Ordinal).ToList();
        if (denied.Count > 0)
        {
            notes.Add($"namespaceSelector matched {string.Join(", ", denied)}, which Captures of other namespaces may not capture (the cluster setting CrossNamespaceCapture does not list them)");
        }

        return matched.Except(denied).ToHashSet(StringComparer.Ordinal);
    }

    private static bool IsCapturable(V1Pod pod) =>
        !string.IsNullOrEmpty(pod.Spec?.NodeName) && !string.IsNullOrEmpty(pod.Status?.PodIP) &&
        pod.Status.Phase is "Running" or "Pending" && pod.Spec.HostNetwork != true && pod.Metadata.DeletionTimestamp is null;

    private static IReadOnlyDictionary<string, string> Labels(V1ObjectMeta meta) =>
        (IReadOnlyDictionary<string, string>?)(meta.Labels as Dictionary<string, string>) ?? new Dictionary<string, string>(meta.Labels ?? new Dictionary<string, string>());

    private static LabelSelector FromKube(V1LabelSelector s) => new()
    {
        MatchLabels = s.MatchLabels?.ToDictionary(kv => kv.Key, kv => kv.Value),
        MatchExpressions = s.MatchExpressions?.Select(e => new LabelSelectorRequirement { Key = e.Key, Operator = e.OperatorProperty, Values = e.Values?.ToList() }).ToList(),
    };
}
