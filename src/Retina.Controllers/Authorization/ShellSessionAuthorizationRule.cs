using Retina.Api.ShellSession;
using Retina.Controllers.Admission;

namespace Retina.Controllers.Authorization;

/// <summary>
/// A node shell needs <c>create nodes/shell</c> (retina.sh) for that node (the review names it, so a role may list
/// <c>resourceNames</c>). A pod shell needs what <c>kubectl debug -it</c> needs on that pod: <c>get pods</c>,
/// <c>patch pods/ephemeralcontainers</c> and <c>create pods/attach</c> in the pod's namespace.
/// </summary>
public sealed class ShellSessionAuthorizationRule(RequesterAccess access) : AuthorizationRule<Api.ShellSession.ShellSession>(Api.ShellSession.ShellSession.KindName)
{
    protected override async Task<AdmissionDenial?> AuthorizeAsync(Api.ShellSession.ShellSession shell, AdmissionAttempt attempt, CancellationToken cancellationToken)
    {
        var target = shell.Spec?.Target;
        if (target?.NodeName is { } node)
        {
            var grant = RetinaGrants.NodeShell(node);
            return await access.AllowsAsync(attempt.User, grant, cancellationToken).ConfigureAwait(false)
                ? null
                : ReachAuthorizer.Deny(attempt.User, grant, $"spec.target.nodeName opens a shell on node \"{node}\"",
                    $"ask for the {RetinaGrants.NodeShellRole} ClusterRole (bound with a ClusterRoleBinding)");
        }

        if (target?.Pod is { } pod)
        {
            var ns = AuthorizedWrites.Namespace(attempt);
            foreach (var grant in PodDebugGrants(ns, pod.Name))
            {
                if (!await access.AllowsAsync(attempt.User, grant, cancellationToken).ConfigureAwait(false))
                {
                    return ReachAuthorizer.Deny(attempt.User, grant, $"spec.target.pod adds a debug container to pod \"{pod.Name}\", as kubectl debug -it does",
                        $"ask for the {RetinaGrants.PodShellRole} role there");
                }
            }
        }

        return null;
    }

    /// <summary>What <c>kubectl debug -it POD</c> asks of the API server: read the pod, add the ephemeral container, attach to it.</summary>
    public static IReadOnlyList<AccessGrant> PodDebugGrants(string ns, string pod) =>
    [
        new("get", "", "pods", Namespace: ns, Name: pod),
        new("patch", "", "pods", "ephemeralcontainers", ns, pod),
        new("create", "", "pods", "attach", ns, pod),
    ];
}
