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
    /// <param name="Nodes">Each node and the pod IPs it is narrowed to (empty: the whole node).</param>
    /// <param name="HostEndpoints">Per node, host-network pods as Retina tokens of the node's address and their ports.</param>
    /// <param name="MissingPodNames">podNames that name no pod of the Capture's namespace.</param>
    /// <param name="HostNetworkPods">Host-network pods captured by their node's address.</param>
    public sealed record Result(SortedDictionary<string, SortedSet<string>> Nodes, IReadOnlyList<string> Notes)
    {
        public SortedDictionary<string, SortedSet<string>> HostEndpoints { get; init; } = new(StringComparer.Ordinal);

        public IReadOnlyList<string> MissingPodNames { get; init; } = [];

        public IReadOnlyList<string> HostNetworkPods { get; init; } = [];
    }

    public static Result Resolve(
        Api.Capture.Capture capture,
        IEnumerable<V1Node> nodes,
        IEnumerable<V1Pod> pods,
        IEnumerable<V1Namespace> namespaces,
        V1LabelSelector? workloadSelector,
        Func<string, bool> mayBeCapturedFromOtherNamespaces) =>
        Resolve(capture.Spec.CaptureConfiguration.CaptureTarget!, capture.Metadata.NamespaceProperty, nodes, pods, namespaces, workloadSelector, mayBeCapturedFromOtherNamespaces);

    /// <summary>The same for any target of the CaptureTarget shape (a TraceSession's spec.target) of an object in <paramref name="ns"/>.</summary>
    public static Result Resolve(
        CaptureTarget target,
        string ns,
        IEnumerable<V1Node> nodes,
        IEnumerable<V1Pod> pods,
        IEnumerable<V1Namespace> namespaces,
        V1LabelSelector? workloadSelector,
        Func<string, bool> mayBeCapturedFromOtherNamespaces)
    {
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
        var podList = pods as IReadOnlyCollection<V1Pod> ?? pods.ToList();
        IReadOnlyList<string> missing = [];
        if (target.PodNames is { } names)
        {
            var wanted = names.ToHashSet(StringComparer.Ordinal);
            selects = p => p.Metadata.NamespaceProperty == ns && wanted.Contains(p.Metadata.Name);
            var present = podList.Where(p => p.Metadata.NamespaceProperty == ns && p.Metadata.DeletionTimestamp is null).Select(p => p.Metadata.Name).ToHashSet(StringComparer.Ordinal);
            missing = names.Distinct(StringComparer.Ordinal).Where(n => !present.Contains(n)).ToList();
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

        var selected = podList.Where(selects).ToList();
        var hostEndpoints = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var hostNetwork = new List<string>();
        foreach (var pod in selected.Where(p => p.Spec?.HostNetwork == true && IsScheduledAndAlive(p)))
        {
            // Retina captures such a pod by its IP, which is the node's: we do the same, narrowed to the ports it declares.
            hostNetwork.Add(pod.Metadata.Name);
            if (!hostEndpoints.TryGetValue(pod.Spec.NodeName, out var tokens))
            {
                hostEndpoints[pod.Spec.NodeName] = tokens = new SortedSet<string>(StringComparer.Ordinal);
            }

            var ports = (pod.Spec.Containers ?? []).SelectMany(c => c.Ports ?? []).Select(p => p.ContainerPort).Distinct().Order().ToList();
            foreach (var ip in pod.Status.PodIPs?.Select(i => i.Ip) ?? [pod.Status.PodIP])
            {
                var host = ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]" : ip;
                if (ports.Count == 0)
                {
                    tokens.Add(host);
                }

                foreach (var port in ports)
                {
                    tokens.Add($"{host}:{port}");
                }
            }

            result.TryAdd(pod.Spec.NodeName, new SortedSet<string>(StringComparer.Ordinal));
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

        return new Result(result, notes) { HostEndpoints = hostEndpoints, MissingPodNames = missing, HostNetworkPods = hostNetwork.Order(StringComparer.Ordinal).ToList() };
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

    private static bool IsScheduledAndAlive(V1Pod pod) =>
        !string.IsNullOrEmpty(pod.Spec?.NodeName) && !string.IsNullOrEmpty(pod.Status?.PodIP) &&
        pod.Status.Phase is "Running" or "Pending" && pod.Metadata.DeletionTimestamp is null;

    private static bool IsCapturable(V1Pod pod) => IsScheduledAndAlive(pod) && pod.Spec.HostNetwork != true;

    private static IReadOnlyDictionary<string, string> Labels(V1ObjectMeta meta) =>
        (IReadOnlyDictionary<string, string>?)(meta.Labels as Dictionary<string, string>) ?? new Dictionary<string, string>(meta.Labels ?? new Dictionary<string, string>());

    private static LabelSelector FromKube(V1LabelSelector s) => new()
    {
        MatchLabels = s.MatchLabels?.ToDictionary(kv => kv.Key, kv => kv.Value),
        MatchExpressions = s.MatchExpressions?.Select(e => new LabelSelectorRequirement { Key = e.Key, Operator = e.OperatorProperty, Values = e.Values?.ToList() }).ToList(),
    };
}
