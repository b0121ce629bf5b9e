using k8s.Models;
using Retina.Api.CapturePolicy;
using Retina.Api.NodeRuntime;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.Controllers.NodeRuntime;

/// <summary>
/// The thresholds a node must evaluate: every threshold trigger of the armed CapturePolicies (accepted, not suspended, not
/// being deleted) that may fire on the node. A threshold counts the whole node (thresholds fire on their own node); a
/// captureTemplate with a nodeSelector limits the nodes that evaluate it. Ordered by policy and trigger, capped at the
/// schema's 64 (the rest are left out in that order). Null when none.
/// </summary>
public static class NodeTriggersDesired
{
    public const int MaxTriggers = 64;

    public static List<NodeTriggerSpec>? For(V1Node node, IEnumerable<Policy> policies)
    {
        var labels = node.Metadata.Labels is { } l ? new Dictionary<string, string>(l) : null;
        var triggers = ArmedPolicies.Of(policies, p => p.Spec.Triggers.Any(t => t.Threshold is not null)
                && (p.Spec.CaptureTemplate.CaptureConfiguration.CaptureTarget?.NodeSelector is not { } selector || selector.Matches(labels)))
            .SelectMany(p => p.Spec.Triggers.Where(t => t.Threshold is not null).OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => Spec(p, t)))
            .Take(MaxTriggers)
            .ToList();
        return triggers.Count == 0 ? null : triggers;
    }

    private static NodeTriggerSpec Spec(Policy p, CaptureTrigger t)
    {
        var threshold = t.Threshold!;
        return new NodeTriggerSpec
        {
            Policy = p.Metadata.NamespaceProperty + "/" + p.Metadata.Name,
            Trigger = t.Name,
            Metric = threshold.Metric,
            Above = threshold.Above!.Value,
            WindowSeconds = (int)threshold.Window().TotalSeconds,
            Reason = threshold.Metric == "dropRate" ? threshold.Reason : null,
            Rcodes = threshold.Metric == "dnsFailureRate"
                ? [.. (threshold.Rcodes is { Count: > 0 } r ? r : ThresholdTrigger.DefaultRcodes).Select(c => c.ToUpperInvariant()).Distinct().Order(StringComparer.Ordinal)]
                : null,
        };
    }
}
