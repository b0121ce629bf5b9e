using Retina.Controllers.Admission;

namespace Retina.Controllers.Authorization;

/// <summary>
/// Decides a <see cref="TargetReach"/> for the requester: whole nodes need the node grant at cluster scope; any namespace
/// needs <c>create</c> on the kind at cluster scope; each named namespace needs <c>create</c> there. The first missing
/// grant is the denial, naming the grant, the field that needs it and the shipped role that holds it.
/// </summary>
public sealed class ReachAuthorizer(RequesterAccess access)
{
    public async Task<AdmissionDenial?> CheckAsync(AdmissionUser user, TargetReach reach, string plural, AccessGrant nodeGrant, CancellationToken cancellationToken)
    {
        if (reach.NodeWide && !await access.AllowsAsync(user, nodeGrant, cancellationToken).ConfigureAwait(false))
        {
            return Deny(user, nodeGrant, reach.NodeWideBecause!, $"ask for the {RetinaGrants.NodeCaptureRole} ClusterRole (bound with a ClusterRoleBinding)");
        }

        if (reach.AnyNamespace)
        {
            var cluster = RetinaGrants.Create(plural, null);
            return await access.AllowsAsync(user, cluster, cancellationToken).ConfigureAwait(false)
                ? null
                : Deny(user, cluster, reach.AnyNamespaceBecause!, $"ask for the {RetinaGrants.CaptureRole} ClusterRole bound with a ClusterRoleBinding");
        }

        foreach (var (ns, because) in reach.Namespaces)
        {
            var grant = RetinaGrants.Create(plural, ns);
            if (!await access.AllowsAsync(user, grant, cancellationToken).ConfigureAwait(false))
            {
                return Deny(user, grant, because, $"ask for the {RetinaGrants.CaptureRole} role there");
            }
        }

        return null;
    }

    /// <summary>E.g. <c>User "alice" cannot create captures.retina.sh in namespace "team-b" (… matches it); ask for …</c>.</summary>
    public static AdmissionDenial Deny(AdmissionUser user, AccessGrant grant, string because, string ask) =>
        AdmissionDenial.Forbidden($"User \"{user.Username}\" cannot {grant.Describe()} ({because}); {ask}");
}
