using Retina.Controllers.Admission;

namespace Retina.Controllers.Authorization;

/// <summary>
/// A TraceSession may reach only what its requester could trace: whole nodes with <c>create nodes/trace</c>
/// (retina.sh), each namespace it targets with <c>create tracesessions</c> there, and a namespace selector that is not
/// pinned by name with <c>create tracesessions</c> at cluster scope.
/// </summary>
public sealed class TraceSessionAuthorizationRule(RequesterAccess access) : AuthorizationRule<Api.TraceSession.TraceSession>(Api.TraceSession.TraceSession.KindName)
{
    public const string TargetField = "spec.target";

    protected override async Task<AdmissionDenial?> AuthorizeAsync(Api.TraceSession.TraceSession trace, AdmissionAttempt attempt, CancellationToken cancellationToken)
    {
        var reach = TargetReach.Of(trace.Spec?.Target, AuthorizedWrites.Namespace(attempt), TargetField);
        return await new ReachAuthorizer(access).CheckAsync(attempt.User, reach, Api.TraceSession.TraceSession.Plural, RetinaGrants.NodeTrace, cancellationToken).ConfigureAwait(false);
    }
}
