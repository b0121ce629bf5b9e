using Retina.Api.CapturePolicy;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.Controllers.NodeRuntime;

/// <summary>
/// The CapturePolicies that may fire and so program nodes (flight recorder, thresholds): accepted, not suspended, not
/// being deleted; in namespace/name order, the order every node-side list is built in. A policy's verdict is kept per
/// uid and generation (the spec it judged): the node-side builders ask once per node per NodeRuntime reconcile, which
/// at thousands of nodes would validate the same spec thousands of times.
/// </summary>
internal static class ArmedPolicies
{
    private const int MaxRemembered = 4096;
    private static readonly CapturePolicyValidator Validator = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Uid, long Generation), bool> Verdicts = new();

    /// <param name="wanted">What the caller needs of a policy, judged before the (costlier) validation.</param>
    public static IEnumerable<Policy> Of(IEnumerable<Policy> policies, Func<Policy, bool> wanted) =>
        policies
            .Where(p => p.Metadata.DeletionTimestamp is null && p.Spec.Suspend != true && wanted(p) && IsValid(p))
            .OrderBy(p => p.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal);

    private static bool IsValid(Policy p)
    {
        if (p.Metadata.Uid is not { Length: > 0 } uid || p.Metadata.Generation is not { } generation)
        {
            return Validator.Validate(p).IsValid;
        }

        if (Verdicts.Count >= MaxRemembered)
        {
            Verdicts.Clear();
        }

        return Verdicts.GetOrAdd((uid, generation), _ => Validator.Validate(p).IsValid);
    }
}
