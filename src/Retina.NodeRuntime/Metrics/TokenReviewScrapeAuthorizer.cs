using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Retina.Kube.Client;

namespace Retina.NodeRuntime.Metrics;

/// <summary>
/// The kube-rbac-proxy check, in process: the bearer token is authenticated with a TokenReview, then the caller must be
/// allowed <c>get</c> on <c>nodes/metrics</c> of this node (a SubjectAccessReview) — the grant Prometheus already holds
/// to scrape kubelets. Decisions are cached per token hash for <see cref="CacheFor"/> so a scrape every few seconds does
/// not cost two API calls each time.
/// </summary>
public sealed class TokenReviewScrapeAuthorizer(IKubeClient client, string nodeName, TimeProvider time) : IScrapeAuthorizer
{
    private const int MaxCached = 1024;
    private readonly ConcurrentDictionary<string, (ScrapeDecision Decision, DateTimeOffset Until)> cache = new(StringComparer.Ordinal);

    public TimeSpan CacheFor { get; init; } = TimeSpan.FromMinutes(1);

    public async Task<ScrapeDecision> AuthorizeAsync(string? bearerToken, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(bearerToken))
        {
            return ScrapeDecision.Unauthenticated("a bearer token is required (Authorization: Bearer <service-account token>)");
        }

        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(bearerToken)));
        var now = time.GetUtcNow();
        if (cache.TryGetValue(key, out var hit) && hit.Until > now)
        {
            return hit.Decision;
        }

        var decision = await DecideAsync(bearerToken, cancellationToken).ConfigureAwait(false);
        if (cache.Count >= MaxCached)
        {
            cache.Clear();
        }

        cache[key] = (decision, now + CacheFor);
        return decision;
    }

    private async Task<ScrapeDecision> DecideAsync(string token, CancellationToken ct)
    {
        var review = await client.CreateAsync(new V1TokenReview
        {
            ApiVersion = "authentication.k8s.io/v1", Kind = "TokenReview", Metadata = new V1ObjectMeta(),
            Spec = new V1TokenReviewSpec { Token = token },
        }, ct).ConfigureAwait(false);
        if (review.Status?.Authenticated != true || review.Status.User is not { } user)
        {
            return ScrapeDecision.Unauthenticated("the bearer token is not valid");
        }

        var access = await client.CreateAsync(new V1SubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1", Kind = "SubjectAccessReview", Metadata = new V1ObjectMeta(),
            Spec = new V1SubjectAccessReviewSpec
            {
                User = user.Username, Groups = user.Groups, Uid = user.Uid, Extra = user.Extra,
                ResourceAttributes = new V1ResourceAttributes { Verb = "get", Group = "", Resource = "nodes", Subresource = "metrics", Name = nodeName },
            },
        }, ct).ConfigureAwait(false);
        return access.Status?.Allowed == true
            ? ScrapeDecision.Allowed
            : ScrapeDecision.Forbidden($"{user.Username} may not get nodes/metrics of {nodeName}");
    }
}
