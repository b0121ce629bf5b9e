using System.Net;
using k8s.Models;
using Retina.Kube.Client;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.FakeKubeApi.Auth;
using Retina.Testing.Repo;

namespace Retina.Kube.Tests.FakeKubeApi;

/// <summary>The fake's authentication (bearer tokens, TokenReview) and RBAC (SubjectAccessReview, 403s) behave as a real server's.</summary>
public sealed class FakeKubeApiAuthTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task TokenReview_names_the_user_only_for_an_audience_the_token_was_issued_for()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        var admin = api.CreateClient();
        var bound = api.AddUser(FakeUser.ServiceAccount("retina-system", "retina-node-runtime", nodeName: "node-a", "retina-controllers"));

        var ok = await admin.CreateAsync(Review(bound, "retina-controllers"), None);
        Assert.True(ok.Status.Authenticated);
        Assert.Equal("system:serviceaccount:retina-system:retina-node-runtime", ok.Status.User.Username);
        Assert.Equal(["node-a"], ok.Status.User.Extra["authentication.kubernetes.io/node-name"]);
        Assert.Equal(["retina-controllers"], ok.Status.Audiences);

        var wrongAudience = await admin.CreateAsync(Review(bound, "someone-else"), None);
        Assert.False(wrongAudience.Status.Authenticated);
        var unknown = await admin.CreateAsync(Review("forged", "retina-controllers"), None);
        Assert.False(unknown.Status.Authenticated);

        // A token for our audience is not a token for the API server.
        var e = await Assert.ThrowsAsync<KubeApiException>(() => api.CreateClient(FakeUser.ServiceAccount("retina-system", "x", "node-a", "retina-controllers")).ListAsync<V1Pod>(new ListOptions(), None));
        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
    }

    [Fact]
    public async Task SubjectAccessReview_follows_bindings_namespaces_resource_names_and_aggregation()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.ApplyRbacFile(RepoPaths.Combine("kustomize/base/rbac/node-runtime.yaml"));
        api.ApplyRbacFile(RepoPaths.Combine("kustomize/base/rbac/user-roles.yaml"));
        var admin = api.CreateClient();
        await admin.CreateAsync(new V1ClusterRole
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Metadata = new() { Name = "edit" },
            AggregationRule = new() { ClusterRoleSelectors = [new() { MatchLabels = new Dictionary<string, string> { ["rbac.authorization.k8s.io/aggregate-to-edit"] = "true" } }] },
        }, None);
        await admin.CreateAsync(new V1RoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "RoleBinding", Metadata = new() { Name = "alice-edit", NamespaceProperty = "team-a" },
            RoleRef = new() { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "edit" },
            Subjects = [new() { Kind = "User", Name = "alice", ApiGroup = "rbac.authorization.k8s.io" }],
        }, None);

        var node = FakeUser.ServiceAccount("retina-system", "retina-node-runtime");
        var alice = FakeUser.Person("alice");
        Assert.True(api.Rbac.Authorize(node, new("watch", "retina.sh", "noderuntimes", "", null, "node-a")).Allowed);
        Assert.True(api.Rbac.Authorize(node, new("list", "discovery.k8s.io", "endpointslices", "", "default", "kubernetes")).Allowed);
        Assert.False(api.Rbac.Authorize(node, new("list", "discovery.k8s.io", "endpointslices", "", "default", null)).Allowed);
        Assert.True(api.Rbac.Authorize(alice, new("create", "retina.sh", "captures", "", "team-a", null)).Allowed);
        Assert.False(api.Rbac.Authorize(alice, new("create", "retina.sh", "captures", "", "team-b", null)).Allowed);
        Assert.False(api.Rbac.Authorize(alice, new("create", "retina.sh", "shellsessions", "", "team-a", null)).Allowed);

        var review = await admin.CreateAsync(new V1SubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1", Kind = "SubjectAccessReview", Metadata = new(),
            Spec = new() { User = "alice", Groups = ["system:authenticated"], ResourceAttributes = new() { Verb = "create", Group = "retina.sh", Resource = "captures", NamespaceProperty = "team-a" } },
        }, None);
        Assert.True(review.Status.Allowed);
        Assert.Contains("alice-edit", review.Status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_authorization_on_a_request_outside_the_role_is_403_with_the_real_message()
    {
        await using var api = await FakeKubeApiServer.StartAsync(o => o.AuthorizeRequests = true);
        api.ApplyRbacFile(RepoPaths.Combine("kustomize/base/rbac/node-runtime.yaml"));
        var node = api.CreateClient(FakeUser.ServiceAccount("retina-system", "retina-node-runtime", "node-a"));

        Assert.NotNull(await node.ListAsync<V1Pod>(new ListOptions(), None));
        var e = await Assert.ThrowsAsync<KubeApiException>(() => node.ListAsync<V1Secret>(new ListOptions { Namespace = "retina-system" }, None));
        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        Assert.Equal("secrets is forbidden: User \"system:serviceaccount:retina-system:retina-node-runtime\" cannot list resource \"secrets\" in API group \"\" in the namespace \"retina-system\"", e.Message);
    }

    private static V1TokenReview Review(string token, string audience) => new()
    {
        ApiVersion = "authentication.k8s.io/v1", Kind = "TokenReview", Metadata = new(),
        Spec = new() { Token = token, Audiences = [audience] },
    };
}
