using Retina.Api.CapturePolicy;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.Controllers.NodeRuntime;

/// <summary>
/// The CapturePolicies that may fire and so program nodes (flight recorder, thresholds): accepted, not suspended, not
/// being deleted; in namespace/name order, the order every node-side list is built in.
/// </summary>
internal static class ArmedPolicies
{
    private static readonly CapturePolicyValidator Validator = new();

    /// <param name="wanted">What the caller needs of a policy, judged before the (costlier) validation.</param>
    public static IEnumerable<Policy> Of(IEnumerable<Policy> policies, Func<Policy, bool> wanted) =>
        policies
            .Where(p => p.Metadata.DeletionTimestamp is null && p.Spec.Suspend != true && wanted(p) && Validator.Validate(p).IsValid)
            .OrderBy(p => p.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal);
}
