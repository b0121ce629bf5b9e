using Retina.Controllers.Admission;
using Retina.Kube.Client;

namespace Retina.Controllers.Authorization;

/// <summary>The requester-authorization rules the admission webhook runs, one per kind that reaches pods or nodes.</summary>
public static class AuthorizationRules
{
    public static IReadOnlyList<IAdmissionRule> Create(IKubeClient client)
    {
        var access = new RequesterAccess(client);
        return
        [
            new CaptureAuthorizationRule(access),
            new TraceSessionAuthorizationRule(access),
            new ShellSessionAuthorizationRule(access),
            new CapturePolicyAuthorizationRule(access),
        ];
    }
}
