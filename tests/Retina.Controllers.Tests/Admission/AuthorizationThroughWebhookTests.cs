using System.Net;
using System.Text.Json.Nodes;
using k8s.Models;
using Retina.Controllers.Hosting;
using Retina.Controllers.Tests.Support;
using Retina.Testing.FakeKubeApi.Auth;
using Retina.Testing.Repo;

namespace Retina.Controllers.Tests.Admission;

/// <summary>
/// The shipped wiring end to end: kubectl-style writes through the fake API, which calls our webhook, which asks the
/// API a SubjectAccessReview of the requesting user against the shipped roles (issue 10, items 1 and 2 together).
/// </summary>
public sealed class AuthorizationThroughWebhookTests
{
    private static readonly FakeUser Alice = FakeUser.Person("alice");

    [Fact]
    public async Task A_namespace_editor_captures_pods_but_a_node_wide_capture_needs_the_node_grant()
    {
        await using var bed = await WebhookBed.StartAsync(services: s => s.AddRequesterAuthorization());
        bed.Api.ApplyRbacFile(RepoPaths.Combine("kustomize", "base", "rbac", "user-roles.yaml"));
        var admin = bed.Api.CreateClient();
        await admin.CreateAsync(new V1RoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "RoleBinding", Metadata = new() { Name = "alice-capture", NamespaceProperty = "team-a" },
            RoleRef = new() { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "retina-capture" },
            Subjects = [new() { Kind = "User", Name = "alice", ApiGroup = "rbac.authorization.k8s.io" }],
        }, CancellationToken.None);

        var (podCode, pod) = await bed.SendAsync(Alice, Json(Objects.PodCapture("team-a", "pods")));
        podCode.ShouldBe(HttpStatusCode.Created, pod.ToJsonString());
        ((string?)pod["metadata"]!["annotations"]!["retina.sh/requested-by"]).ShouldBe("alice");

        var (nodeCode, denied) = await bed.SendAsync(Alice, Json(Objects.NodeCapture("team-a", "whole-node")));
        nodeCode.ShouldBe(HttpStatusCode.Forbidden);
        var message = (string)denied["message"]!;
        message.ShouldStartWith("admission webhook \"");
        message.ShouldContain("denied the request: ");
        message.ShouldContain("nodes/capture");
        message.ShouldContain("retina-node-capture");

        await admin.CreateAsync(new V1ClusterRoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRoleBinding", Metadata = new() { Name = "alice-node-capture" },
            RoleRef = new() { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "retina-node-capture" },
            Subjects = [new() { Kind = "User", Name = "alice", ApiGroup = "rbac.authorization.k8s.io" }],
        }, CancellationToken.None);
        var (grantedCode, granted) = await bed.SendAsync(Alice, Json(Objects.NodeCapture("team-a", "whole-node")));
        grantedCode.ShouldBe(HttpStatusCode.Created, granted.ToJsonString());
    }

    private static JsonObject Json(Api.Capture.Capture c) => JsonNode.Parse(k8s.KubernetesJson.Serialize(c))!.AsObject();
}
