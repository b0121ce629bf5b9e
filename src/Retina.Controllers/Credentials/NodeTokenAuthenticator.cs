using k8s.Models;
using Retina.Kube.Client;

namespace Retina.Controllers.Credentials;

/// <summary>
/// Authenticates a node runtime by its projected service-account token (TokenReview, with our own audience so the
/// token is useless against the API server and the API server's tokens are useless here). The node comes from the
/// token itself, never from the request: the <c>authentication.kubernetes.io/node-name</c> claim (Kubernetes ≥ 1.30),
/// else the pod the token is bound to (<c>pod-name</c> + <c>pod-uid</c> claims) and that pod's <c>spec.nodeName</c>.
/// </summary>
public sealed class NodeTokenAuthenticator(IKubeClient client, string runtimeNamespace, string serviceAccount, string audience)
{
    public const string NodeNameClaim = "authentication.kubernetes.io/node-name";
    public const string PodNameClaim = "authentication.kubernetes.io/pod-name";
    public const string PodUidClaim = "authentication.kubernetes.io/pod-uid";

    public string Audience => audience;

    private string Username => $"system:serviceaccount:{runtimeNamespace}:{serviceAccount}";

    public async Task<NodeAuthentication> AuthenticateAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token))
        {
            return NodeAuthentication.Unauthorized($"a bearer token is required: the node runtime's projected service-account token for audience \"{audience}\"");
        }

        var review = await client.CreateAsync(new V1TokenReview
        {
            ApiVersion = "authentication.k8s.io/v1",
            Kind = "TokenReview",
            Metadata = new V1ObjectMeta(),
            Spec = new V1TokenReviewSpec { Token = token, Audiences = [audience] },
        }, ct).ConfigureAwait(false);
        if (review.Status?.Authenticated != true || review.Status.User is not { } user)
        {
            return NodeAuthentication.Unauthorized($"the token was not accepted for audience \"{audience}\"");
        }

        if (user.Username != Username)
        {
            return NodeAuthentication.Forbidden($"only the node runtime's service account ({Username}) may fetch capture credentials, not {user.Username}");
        }

        var extra = user.Extra ?? new Dictionary<string, IList<string>>();
        if (extra.TryGetValue(NodeNameClaim, out var nodes) && nodes is [var node] && node.Length > 0)
        {
            return NodeAuthentication.Node(node);
        }

        if (extra.TryGetValue(PodNameClaim, out var pods) && pods is [var podName] && extra.TryGetValue(PodUidClaim, out var uids) && uids is [var podUid])
        {
            var pod = await client.GetAsync<V1Pod>(podName, runtimeNamespace, ct).ConfigureAwait(false);
            if (pod?.Metadata.Uid == podUid && pod.Spec?.NodeName is { Length: > 0 } podNode)
            {
                return NodeAuthentication.Node(podNode);
            }

            return NodeAuthentication.Forbidden($"the pod the token is bound to ({runtimeNamespace}/{podName}) no longer exists or is not on a node");
        }

        return NodeAuthentication.Forbidden("the token is not bound to a pod or node (use a projected service-account token from the node runtime's pod)");
    }
}
