using Retina.Api.Capture;
using Retina.Api.CapturePolicy;
using Retina.Api.Common;
using Retina.Controllers.Authorization;
using Retina.Controllers.Tests.Support;
using static Retina.Controllers.Tests.Authorization.AuthorizationBed;

namespace Retina.Controllers.Tests.Authorization;

/// <summary>A CapturePolicy's author must be able to create every Capture the policy may fire.</summary>
public sealed class CapturePolicyAuthorizationRuleTests
{
    [Fact]
    public async Task A_policy_over_pods_of_its_own_namespace_needs_only_what_an_editor_has()
    {
        await using var bed = await StartAsync();

        (await bed.CheckAsync(Create(Policy(Objects.PodCapture(TeamA, "t").Spec, new AlertLabelMapping { Pod = "pod" })))).ShouldBeNull();
    }

    [Fact]
    public async Task Mapping_the_alerts_namespace_label_needs_create_captures_at_cluster_scope()
    {
        await using var bed = await StartAsync();
        var policy = Policy(Objects.PodCapture(TeamA, "t").Spec, new AlertLabelMapping { Namespace = "namespace", Pod = "pod" });

        (await bed.CheckAsync(Create(policy))).ShouldNotBeNull().Message.ShouldBe("User \"alice\" cannot create captures.retina.sh at cluster scope " +
            "(spec.targetFromAlertLabels.namespace takes the namespace from the alert's \"namespace\" label, so it can be any namespace); " +
            "ask for the retina-capture ClusterRole bound with a ClusterRoleBinding");

        await bed.BindAliceAsync(RetinaGrants.CaptureRole, null);
        (await bed.CheckAsync(Create(policy))).ShouldBeNull();
    }

    [Fact]
    public async Task Mapping_the_alerts_node_label_needs_nodes_capture()
    {
        await using var bed = await StartAsync();
        var policy = Policy(Objects.PodCapture(TeamA, "t").Spec, new AlertLabelMapping { Node = "instance" });

        (await bed.CheckAsync(Create(policy))).ShouldNotBeNull().Message.ShouldBe("User \"alice\" cannot create nodes/capture.retina.sh at cluster scope " +
            "(spec.targetFromAlertLabels.node takes the node from the alert's \"instance\" label and captures whole nodes); " +
            "ask for the retina-node-capture ClusterRole (bound with a ClusterRoleBinding)");

        await bed.BindAliceAsync(RetinaGrants.NodeCaptureRole, null);
        (await bed.CheckAsync(Create(policy))).ShouldBeNull();
    }

    [Fact]
    public async Task A_template_that_targets_another_namespace_needs_create_captures_there()
    {
        await using var bed = await StartAsync();
        var template = Objects.PodCapture(TeamA, "t").Spec;
        template.CaptureConfiguration.CaptureTarget = new CaptureTarget
        {
            NamespaceSelector = new LabelSelector { MatchLabels = new() { [NamespaceNames.NameLabel] = TeamB } },
            PodSelector = new LabelSelector(),
        };
        var policy = Policy(template, null);

        (await bed.CheckAsync(Create(policy))).ShouldNotBeNull().Message.ShouldBe("User \"alice\" cannot create captures.retina.sh in namespace \"team-b\" " +
            "(spec.captureTemplate.captureConfiguration.captureTarget.namespaceSelector matches it); ask for the retina-capture role there");

        await bed.BindAliceAsync(RetinaGrants.CaptureRole, TeamB);
        (await bed.CheckAsync(Create(policy))).ShouldBeNull();
    }

    [Fact]
    public async Task Creating_policies_without_the_right_to_create_captures_in_the_namespace_is_refused()
    {
        await using var bed = await StartAsync();
        await bed.Admin.CreateAsync(new k8s.Models.V1ClusterRole
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Metadata = new() { Name = "policies-only" },
            Rules = [new() { ApiGroups = ["retina.sh"], Resources = ["capturepolicies"], Verbs = ["create"] }],
        }, CancellationToken.None);
        var dave = Retina.Testing.FakeKubeApi.Auth.FakeUser.Person("dave");
        await bed.BindAsync("User", "dave", "policies-only", TeamA);

        (await bed.CheckAsync(Create(Policy(Objects.PodCapture(TeamA, "t").Spec, null), dave))).ShouldNotBeNull().Message.ShouldBe(
            "User \"dave\" cannot create captures.retina.sh in namespace \"team-a\" " +
            "(spec.captureTemplate.captureConfiguration.captureTarget selects pods of the object's own namespace); ask for the retina-capture role there");
    }

    public static CapturePolicy Policy(CaptureSpec template, AlertLabelMapping? mapping)
    {
        var p = new CapturePolicy();
        p.Metadata.Name = "on-drops";
        p.Metadata.NamespaceProperty = TeamA;
        p.Spec.CaptureTemplate = template;
        p.Spec.TargetFromAlertLabels = mapping;
        p.Spec.Triggers = [new CaptureTrigger { Name = "drops", Alert = new AlertTrigger { AlertName = "PacketDrops" } }];
        return p;
    }
}
