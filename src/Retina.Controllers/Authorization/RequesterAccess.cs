using k8s.Models;
using Retina.Controllers.Admission;
using Retina.Kube.Client;

namespace Retina.Controllers.Authorization;

/// <summary>
/// Asks the API server whether the requesting user (not our controller) holds a grant: one SubjectAccessReview per
/// question, with the user's name, uid, groups and extra exactly as admission reported them. No cache: every request
/// is decided afresh, so a revoked binding takes effect on the next apply. A failed review (5xx, timeout) throws.
/// </summary>
public sealed class RequesterAccess(IKubeClient client)
{
    public async Task<bool> AllowsAsync(AdmissionUser user, AccessGrant grant, CancellationToken cancellationToken)
    {
        var review = new V1SubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SubjectAccessReview",
            Metadata = new V1ObjectMeta(),
            Spec = new V1SubjectAccessReviewSpec
            {
                User = user.Username,
                Uid = user.Uid,
                Groups = [.. user.Groups],
                Extra = user.Extra.Count == 0 ? null : user.Extra.ToDictionary(kv => kv.Key, kv => (IList<string>)[.. kv.Value]),
                ResourceAttributes = new V1ResourceAttributes
                {
                    Verb = grant.Verb,
                    Group = grant.Group,
                    Resource = grant.Resource,
                    Subresource = grant.Subresource,
                    NamespaceProperty = grant.Namespace,
                    Name = grant.Name,
                },
            },
        };
        var answer = await client.CreateAsync(review, cancellationToken).ConfigureAwait(false);
        return answer.Status?.Allowed == true && answer.Status.Denied != true;
    }
}
