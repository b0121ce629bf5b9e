using Retina.Controllers.Admission;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.Controllers.Authorization;

/// <summary>
/// A CapturePolicy's author must be able to create every Capture the policy may fire (<see cref="CapturePolicyReach"/>):
/// <c>create captures</c> in the namespaces it reaches (cluster scope when the alert picks the namespace) and
/// <c>create nodes/capture</c> when it captures whole nodes.
/// </summary>
public sealed class CapturePolicyAuthorizationRule(RequesterAccess access) : IAdmissionRule
{
    public async Task<AdmissionDenial?> CheckAsync(AdmissionAttempt attempt, CancellationToken cancellationToken)
    {
        if (!AuthorizedWrites.NeedsCheck(attempt, Policy.KindName))
        {
            return null;
        }

        var (policy, invalid) = AuthorizedWrites.Read<Policy>(attempt);
        if (policy is null)
        {
            return invalid;
        }

        (policy.Metadata ??= new()).NamespaceProperty = AuthorizedWrites.Namespace(attempt);
        return await new ReachAuthorizer(access).CheckAsync(attempt.User, CapturePolicyReach.Of(policy), Api.Capture.Capture.Plural, RetinaGrants.NodeCapture, cancellationToken).ConfigureAwait(false);
    }
}
