using System.Net;
using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Controllers.Authorization;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Client;
using Retina.Testing.FakeKubeApi.Auth;
using Retina.Testing.Repo;
using static Retina.Controllers.Tests.Authorization.AuthorizationBed;

namespace Retina.Controllers.Tests.Authorization;

/// <summary>A Capture reaches only what its requester may capture, decided by the fake's SubjectAccessReview over our shipped roles.</summary>
public sealed class CaptureAuthorizationRuleTests
{
    [Fact]
    public async Task A_namespace_editor_may_capture_pods_of_their_own_namespace()
    {
        await using var bed = await StartAsync();

        (await bed.CheckAsync(Create(Objects.PodCapture(TeamA, "web")))).ShouldBeNull();
    }

    [Fact]
    public async Task A_node_capture_needs_nodes_capture_at_cluster_scope_which_edit_does_not_give()
    {
        await using var bed = await StartAsync();
        var capture = Objects.NodeCapture(TeamA, "nodes");

        var denied = (await bed.CheckAsync(Create(capture))).ShouldNotBeNull();
        denied.Code.ShouldBe(403);
        denied.Message.ShouldBe("User \"alice\" cannot create nodes/capture.retina.sh at cluster scope " +
            "(spec.captureConfiguration.captureTarget.nodeSelector captures whole nodes); ask for the retina-node-capture ClusterRole (bound with a ClusterRoleBinding)");

        // Bound in a namespace, a cluster-scoped virtual grant grants nothing.
        await bed.BindAliceAsync(RetinaGrants.NodeCaptureRole, TeamA);
        (await bed.CheckAsync(Create(capture))).ShouldNotBeNull();

        await bed.BindAliceAsync(RetinaGrants.NodeCaptureRole, null);
        (await bed.CheckAsync(Create(capture))).ShouldBeNull();
    }

    [Fact]
    public async Task A_namespace_selector_pinned_by_name_needs_create_captures_in_each_namespace_it_names()
    {
        await using var bed = await StartAsync();
        var capture = Across(new LabelSelector { MatchExpressions = [new() { Key = NamespaceNames.NameLabel, Operator = "In", Values = [TeamA, TeamB] }] });

        var denied = (await bed.CheckAsync(Create(capture))).ShouldNotBeNull();
        denied.Message.ShouldBe("User \"alice\" cannot create captures.retina.sh in namespace \"team-b\" " +
            "(spec.captureConfiguration.captureTarget.namespaceSelector matches it); ask for the retina-capture role there");

        await bed.BindAliceAsync(RetinaGrants.CaptureRole, TeamB);
        (await bed.CheckAsync(Create(capture))).ShouldBeNull();
    }

    [Fact]
    public async Task A_namespace_selector_on_other_labels_needs_create_captures_at_cluster_scope()
    {
        await using var bed = await StartAsync();
        await bed.BindAliceAsync(RetinaGrants.CaptureRole, TeamB);
        var capture = Across(new LabelSelector { MatchLabels = new() { ["team"] = "payments" } });

        // Rights in every namespace that exists today are not enough: a namespace labelled team=payments tomorrow would match.
        var denied = (await bed.CheckAsync(Create(capture))).ShouldNotBeNull();
        denied.Message.ShouldBe("User \"alice\" cannot create captures.retina.sh at cluster scope " +
            "(spec.captureConfiguration.captureTarget.namespaceSelector can match any namespace, including ones created later; " +
            "pin it with kubernetes.io/metadata.name to name the namespaces); ask for the retina-capture ClusterRole bound with a ClusterRoleBinding");

        await bed.BindAliceAsync(RetinaGrants.CaptureRole, null);
        (await bed.CheckAsync(Create(capture))).ShouldBeNull();
    }

    [Fact]
    public async Task A_grant_to_one_of_the_users_groups_counts()
    {
        await using var bed = await StartAsync();
        await bed.BindAsync("Group", "sre", RetinaGrants.NodeCaptureRole, null);

        (await bed.CheckAsync(Create(Objects.NodeCapture(TeamA, "n"), FakeUser.Person("bob", "sre")))).ShouldBeNull();
        (await bed.CheckAsync(Create(Objects.NodeCapture(TeamA, "n"), FakeUser.Person("carol", "dev")))).ShouldNotBeNull().Message.ShouldStartWith("User \"carol\" cannot create nodes/capture.retina.sh");
    }

    [Fact]
    public async Task An_update_is_judged_only_when_it_changes_the_spec()
    {
        await using var bed = await StartAsync();
        var stored = Objects.NodeCapture(TeamA, "n");
        var mallory = FakeUser.Person("mallory");

        // Finalizers, labels and status writes reach nothing new: even someone with no grant passes this rule.
        var finalized = Objects.NodeCapture(TeamA, "n");
        finalized.Metadata.Finalizers = ["retina.sh/capture-cleanup"];
        (await bed.CheckAsync(Update(stored, finalized, mallory))).ShouldBeNull();
        var withStatus = Objects.NodeCapture(TeamA, "n");
        withStatus.Status = new CaptureStatus { Phase = CapturePhase.Running };
        (await bed.CheckAsync(Update(stored, withStatus, mallory, subResource: "status"))).ShouldBeNull();

        var podCapture = Objects.PodCapture(TeamA, "n");
        (await bed.CheckAsync(Update(podCapture, stored))).ShouldNotBeNull().Message.ShouldContain("nodes/capture.retina.sh");
    }

    [Fact]
    public async Task The_controllers_service_account_may_create_the_children_capture_policies_fire_and_nothing_more_than_captures()
    {
        // Issue 12: a CapturePolicy's children are created by the controllers' account, which is then the requester. The
        // shipped role holds create captures (any namespace) and nodes/capture for them; CapturePolicyReach.Clamp keeps each
        // child within what the policy's author was authorized for.
        await using var bed = await StartAsync();
        bed.Api.ApplyRbacFile(RepoPaths.Combine("kustomize/base/rbac/controllers.yaml"));
        var child = Across(new LabelSelector { MatchLabels = new() { [NamespaceNames.NameLabel] = TeamB } });

        (await bed.CheckAsync(Create(child, ControllersAccount))).ShouldBeNull();
        (await bed.CheckAsync(Create(Objects.NodeCapture(TeamA, "node-wide"), ControllersAccount))).ShouldBeNull();
    }

    [Fact]
    public async Task The_webhook_asks_its_reviews_with_the_controllers_shipped_role_and_nothing_more()
    {
        await using var api = await Retina.Testing.FakeKubeApi.FakeKubeApiServer.StartAsync(o => o.AuthorizeRequests = true);
        api.ApplyRbacFile(RepoPaths.Combine("kustomize/base/rbac/controllers.yaml"));
        api.ApplyRbacFile(RepoPaths.Combine("kustomize/base/rbac/user-roles.yaml"));
        using var asControllers = api.CreateClient(ControllersAccount);
        var rule = new CaptureAuthorizationRule(new RequesterAccess(asControllers));

        // The review is the requester's: alice is refused although the controllers could capture every pod.
        (await rule.CheckAsync(Create(Objects.PodCapture(TeamA, "web")), CancellationToken.None)).ShouldNotBeNull()
            .Message.ShouldBe("User \"alice\" cannot create captures.retina.sh in namespace \"team-a\" " +
                "(spec.captureConfiguration.captureTarget selects pods of the object's own namespace); ask for the retina-capture role there");
    }

    [Fact]
    public async Task A_failed_review_throws_so_the_webhook_applies_its_failure_policy()
    {
        await using var bed = await StartAsync();
        bed.Api.FailNextRequests(1, HttpStatusCode.InternalServerError);

        var e = await Should.ThrowAsync<KubeApiException>(() => bed.CheckAsync(Create(Objects.NodeCapture(TeamA, "n"))));
        e.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
    }

    [Fact]
    public async Task An_object_whose_spec_cannot_be_read_is_refused_as_invalid_not_crashed_on()
    {
        await using var bed = await StartAsync();
        var attempt = Create(Objects.NodeCapture(TeamA, "bad"));
        attempt.Object!["spec"]!["captureConfiguration"]!["captureTarget"] = "every node";

        var denied = (await bed.CheckAsync(attempt)).ShouldNotBeNull();
        denied.Code.ShouldBe(422);
        denied.Message.ShouldStartWith("Capture \"bad\" could not be read: ");
    }

    [Fact]
    public async Task Writes_of_other_kinds_and_deletes_are_not_this_rules_business()
    {
        await using var bed = await StartAsync();
        var mallory = FakeUser.Person("mallory");
        var capture = Objects.NodeCapture(TeamA, "n");

        (await new CaptureAuthorizationRule(new RequesterAccess(bed.Admin)).CheckAsync(Create(capture, mallory) with { Kind = "MetricsConfiguration" }, CancellationToken.None)).ShouldBeNull();
        (await bed.CheckAsync(Create(capture, mallory) with { Operation = Retina.Controllers.Admission.AdmissionOperation.Delete })).ShouldBeNull();
        (await bed.CheckAsync(Create(capture, mallory))).ShouldNotBeNull();
    }

    private static Api.Capture.Capture Across(LabelSelector namespaces)
    {
        var c = Objects.PodCapture(TeamA, "across");
        c.Spec.CaptureConfiguration.CaptureTarget = new CaptureTarget { NamespaceSelector = namespaces, PodSelector = new LabelSelector { MatchLabels = new() { ["app"] = "web" } } };
        return c;
    }
}
