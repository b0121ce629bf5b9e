using Retina.Controllers.Admission;

namespace Retina.Controllers.Authorization;

/// <summary>
/// A Capture may reach only what its requester could capture: whole nodes with <c>create nodes/capture</c>
/// (retina.sh), each namespace it targets with <c>create captures</c> there, and a namespace selector that is not pinned
/// by name with <c>create captures</c> at cluster scope.
/// </summary>
public sealed class CaptureAuthorizationRule(RequesterAccess access) : IAdmissionRule
{
    public const string TargetField = "spec.captureConfiguration.captureTarget";

    public async Task<AdmissionDenial?> CheckAsync(AdmissionAttempt attempt, CancellationToken cancellationToken)
    {
        if (!AuthorizedWrites.NeedsCheck(attempt, Api.Capture.Capture.KindName))
        {
            return null;
        }

        var (capture, invalid) = AuthorizedWrites.Read<Api.Capture.Capture>(attempt);
        if (capture is null)
        {
            return invalid;
        }

        var reach = TargetReach.Of(capture.Spec?.CaptureConfiguration?.CaptureTarget, AuthorizedWrites.Namespace(attempt), TargetField);
        return await new ReachAuthorizer(access).CheckAsync(attempt.User, reach, Api.Capture.Capture.Plural, RetinaGrants.NodeCapture, cancellationToken).ConfigureAwait(false);
    }
}
