using Retina.Controllers.Admission;

namespace Retina.Controllers.Authorization;

/// <summary>
/// A Capture may reach only what its requester could capture: whole nodes with <c>create nodes/capture</c>
/// (retina.sh), each namespace it targets with <c>create captures</c> there, and a namespace selector that is not pinned
/// by name with <c>create captures</c> at cluster scope.
/// </summary>
public sealed class CaptureAuthorizationRule(RequesterAccess access) : AuthorizationRule<Api.Capture.Capture>(Api.Capture.Capture.KindName)
{
    public const string TargetField = "spec.captureConfiguration.captureTarget";

    protected override async Task<AdmissionDenial?> AuthorizeAsync(Api.Capture.Capture capture, AdmissionAttempt attempt, CancellationToken cancellationToken)
    {
        var reach = TargetReach.Of(capture.Spec?.CaptureConfiguration?.CaptureTarget, AuthorizedWrites.Namespace(attempt), TargetField);
        return await new ReachAuthorizer(access).CheckAsync(attempt.User, reach, Api.Capture.Capture.Plural, RetinaGrants.NodeCapture, cancellationToken).ConfigureAwait(false);
    }
}
