using System.Text.Json.Nodes;

namespace Retina.Testing.FakeKubeApi.Auth;

/// <summary>
/// The two review APIs a real server computes rather than stores: TokenReview (authentication.k8s.io/v1) and
/// SubjectAccessReview (authorization.k8s.io/v1). Each answer is the request object with <c>status</c> filled in.
/// </summary>
internal static class FakeReviews
{
    /// <summary>What a token with no audience of its own is valid for: the API server itself.</summary>
    public const string ApiAudience = "https://kubernetes.default.svc.cluster.local";

    public static JsonObject TokenReview(JsonObject review, Func<string, FakeUser?> lookup)
    {
        var spec = review["spec"] as JsonObject ?? [];
        var token = spec["token"]?.GetValue<string>() ?? "";
        var asked = (spec["audiences"] as JsonArray ?? []).Select(a => a?.GetValue<string>() ?? "").ToList();
        var wanted = asked.Count == 0 ? [ApiAudience] : asked;
        var user = token.Length == 0 ? null : lookup(token);
        var status = new JsonObject { ["authenticated"] = false };
        if (user is null)
        {
            status["error"] = "invalid bearer token";
        }
        else if (TokenAudiences(user).Intersect(wanted).ToList() is { Count: > 0 } common)
        {
            status["authenticated"] = true;
            status["user"] = UserInfo(user);
            status["audiences"] = new JsonArray([.. common.Select(a => (JsonNode)a)]);
        }
        else
        {
            status["error"] = "invalid bearer token, token audiences is invalid";
        }

        return Answer(review, status);
    }

    /// <summary>A SubjectAccessReview of <c>spec.user</c>/<c>groups</c>/<c>extra</c>, or of the requester for a SelfSubjectAccessReview.</summary>
    public static JsonObject AccessReview(JsonObject review, FakeUser? self, FakeRbacAuthorizer rbac)
    {
        var spec = review["spec"] as JsonObject ?? [];
        var user = self ?? new FakeUser(
            spec["user"]?.GetValue<string>() ?? "",
            [.. (spec["groups"] as JsonArray ?? []).Select(g => g?.GetValue<string>() ?? "")],
            (spec["extra"] as JsonObject)?.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. (p.Value as JsonArray ?? []).Select(v => v?.GetValue<string>() ?? "")]),
            spec["uid"]?.GetValue<string>());
        if (spec["resourceAttributes"] is not JsonObject a)
        {
            return Answer(review, new JsonObject { ["allowed"] = false, ["reason"] = "non-resource attributes are not modelled by the fake" });
        }

        string S(string key) => a[key]?.GetValue<string>() ?? "";
        var request = new FakeAccessRequest(S("verb"), S("group"), S("resource"), S("subresource"), S("namespace"), S("name"));
        var (allowed, reason) = rbac.Authorize(user, request);
        return Answer(review, new JsonObject { ["allowed"] = allowed, ["reason"] = reason });
    }

    public static JsonObject UserInfo(FakeUser user)
    {
        var info = new JsonObject
        {
            ["username"] = user.Username,
            ["groups"] = new JsonArray([.. user.Groups.Select(g => (JsonNode)g)]),
        };
        if (user.Uid is not null)
        {
            info["uid"] = user.Uid;
        }

        if (user.Extra is { Count: > 0 } extra)
        {
            info["extra"] = new JsonObject(extra.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)new JsonArray([.. p.Value.Select(v => (JsonNode)v)]))));
        }

        return info;
    }

    /// <summary>The audiences a request with this user's token is valid for.</summary>
    public static IReadOnlyList<string> TokenAudiences(FakeUser user) => user.Audiences.Count == 0 ? [ApiAudience] : user.Audiences;

    private static JsonObject Answer(JsonObject review, JsonObject status)
    {
        var answer = (JsonObject)review.DeepClone();
        answer["metadata"] ??= new JsonObject();
        answer["status"] = status;
        return answer;
    }
}
