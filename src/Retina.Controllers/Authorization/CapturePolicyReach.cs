using Retina.Controllers.Admission;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.Controllers.Authorization;

/// <summary>
/// Everything the child Captures of a CapturePolicy may reach: its captureTemplate's target, widened by what
/// targetFromAlertLabels lets an alert choose (a mapped namespace label: any namespace; a mapped node label: whole
/// nodes; a mapped pod label alone: pods of the policy's namespace). Admission authorizes the policy's author for this
/// reach; the CapturePolicy controller calls <see cref="Clamp"/> before it creates each child, so no child reaches
/// further than the author could. Triggers choose only when a child fires: a threshold that fires on one node does not
/// make a pod-targeted policy node-wide, so such a child stays a pod capture unless the policy was authorized for nodes; a
/// threshold policy with no template target captures the node it fires on, so it needs whole-node reach.
/// </summary>
public static class CapturePolicyReach
{
    public const string TemplateTargetField = "spec.captureTemplate.captureConfiguration.captureTarget";

    public static TargetReach Of(Policy policy)
    {
        var own = policy.Metadata?.NamespaceProperty ?? "";
        var reach = TargetReach.Of(policy.Spec?.CaptureTemplate?.CaptureConfiguration?.CaptureTarget, own, TemplateTargetField);
        var mapping = policy.Spec?.TargetFromAlertLabels;
        var nodeWide = mapping?.Node is { } node ? $"spec.targetFromAlertLabels.node takes the node from the alert's \"{node}\" label and captures whole nodes"
            : policy.Spec?.CaptureTemplate?.CaptureConfiguration?.CaptureTarget is null && policy.Spec?.Triggers?.Any(t => t.Threshold is not null) == true
                ? "a threshold trigger with no captureTemplate target captures the whole node it fires on"
                : null;
        var anyNamespace = mapping?.Namespace is { } label ? $"spec.targetFromAlertLabels.namespace takes the namespace from the alert's \"{label}\" label, so it can be any namespace" : null;
        var namespaces = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (mapping?.Pod is { } pod && anyNamespace is null)
        {
            namespaces[own] = $"spec.targetFromAlertLabels.pod takes pods of the policy's own namespace from the alert's \"{pod}\" label";
        }

        return reach.Union(new TargetReach(nodeWide, anyNamespace, namespaces));
    }

    /// <summary>
    /// Null when <paramref name="child"/> stays within what <paramref name="policy"/> was authorized for, else why not
    /// (for the policy's condition; the child must then not be created).
    /// </summary>
    public static string? Clamp(Policy policy, Api.Capture.Capture child)
    {
        var childReach = TargetReach.Of(child.Spec?.CaptureConfiguration?.CaptureTarget, child.Metadata?.NamespaceProperty ?? "", CaptureAuthorizationRule.TargetField);
        return Of(policy).Excess(childReach) is { } excess
            ? $"child Capture {child.Metadata?.NamespaceProperty}/{child.Metadata?.Name} reaches further than CapturePolicy {policy.Metadata?.NamespaceProperty}/{policy.Metadata?.Name} was authorized for: {excess}"
            : null;
    }
}
