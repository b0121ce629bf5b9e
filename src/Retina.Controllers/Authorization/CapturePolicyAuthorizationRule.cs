using Retina.Controllers.Admission;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.Controllers.Authorization;

/// <summary>
/// A CapturePolicy's author must be able to create every Capture the policy may fire (<see cref="CapturePolicyReach"/>):
/// <c>create captures</c> in the namespaces it reaches (cluster scope when the alert picks the namespace) and
/// <c>create nodes/capture</c> when it captures whole nodes.
/// </summary>
public sealed class CapturePolicyAuthorizationRule(RequesterAccess access) : AuthorizationRule<Policy>(Policy.KindName)
{
    protected override async Task<AdmissionDenial?> AuthorizeAsync(Policy policy, AdmissionAttempt attempt, CancellationToken cancellationToken)
    {
        (policy.Metadata ??= new()).NamespaceProperty = AuthorizedWrites.Namespace(attempt);
        return await new ReachAuthorizer(access).CheckAsync(attempt.User, CapturePolicyReach.Of(policy), Api.Capture.Capture.Plural, RetinaGrants.NodeCapture, cancellationToken).ConfigureAwait(false);
    }
}
