using k8s.Models;
using Retina.Api.CapturePolicy;
using Retina.Api.NodeRuntime;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.Controllers.NodeRuntime;

/// <summary>
/// The flight recorder a node must keep for the armed CapturePolicies (accepted, not suspended, not being deleted) whose
/// captureTemplate asks for preTriggerSeconds and that may target the node: the largest buffer and the longest window of
/// them; null (off) when none. A policy may target every node unless its template names nodes by nodeSelector and nothing
/// in the alert can move the target (no targetFromAlertLabels, no threshold trigger: thresholds fire on their own node).
/// </summary>
public static class NodeFlightRecorderDesired
{
    public const int DefaultBufferMB = 32;

    public static NodeFlightRecorderSpec? For(V1Node node, IEnumerable<Policy> policies)
    {
        var wanting = ArmedPolicies.Of(policies, p => p.Spec.CaptureTemplate.CaptureConfiguration.CaptureOption?.PreTriggerSeconds is > 0 && MayTarget(p, node))
            .ToList();
        if (wanting.Count == 0)
        {
            return null;
        }

        return new NodeFlightRecorderSpec
        {
            MaxBytes = wanting.Max(p => (long)(p.Spec.PreTriggerBufferMB ?? DefaultBufferMB)) * 1024 * 1024,
            Seconds = wanting.Max(p => p.Spec.CaptureTemplate.CaptureConfiguration.CaptureOption!.PreTriggerSeconds!.Value),
            Policies = [.. wanting.Take(64).Select(p => $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}")],
        };
    }

    private static bool MayTarget(Policy p, V1Node node)
    {
        var selector = p.Spec.CaptureTemplate.CaptureConfiguration.CaptureTarget?.NodeSelector;
        if (selector is null || p.Spec.TargetFromAlertLabels is not null || p.Spec.Triggers.Any(t => t.Threshold is not null))
        {
            return true;
        }

        return selector.Matches(node.Metadata.Labels is { } labels ? new Dictionary<string, string>(labels) : null);
    }
}
