using Retina.Api.Capture;
using Retina.Api.CapturePolicy;
using Retina.Api.Common;
using Retina.Controllers.Authorization;
using Retina.Controllers.Tests.Support;
using static Retina.Controllers.Tests.Authorization.CapturePolicyAuthorizationRuleTests;

namespace Retina.Controllers.Tests.Authorization;

/// <summary>The clamp the CapturePolicy controller applies to each child: never further than what the policy was authorized for.</summary>
public sealed class CapturePolicyReachTests
{
    private const string TeamA = AuthorizationBed.TeamA;

    [Fact]
    public void A_child_like_the_template_is_within_the_policy()
    {
        var policy = Policy(Objects.PodCapture(TeamA, "t").Spec, new AlertLabelMapping { Pod = "pod" });

        CapturePolicyReach.Clamp(policy, Child(TeamA, new CaptureTarget { PodNames = ["web-0"] })).ShouldBeNull();
    }

    [Fact]
    public void A_child_in_another_namespace_is_refused_unless_the_alert_may_choose_the_namespace()
    {
        var narrow = Policy(Objects.PodCapture(TeamA, "t").Spec, new AlertLabelMapping { Pod = "pod" });
        var child = Child(TeamA, new CaptureTarget { NamespaceSelector = Pinned("team-b"), PodSelector = new LabelSelector() });

        CapturePolicyReach.Clamp(narrow, child).ShouldBe("child Capture team-a/child reaches further than CapturePolicy team-a/on-drops was authorized for: " +
            "it reaches namespace(s) team-b; the policy may reach only team-a");
        CapturePolicyReach.Clamp(narrow, Child("team-b", new CaptureTarget { PodNames = ["web-0"] })).ShouldNotBeNull().ShouldContain("team-b");

        var wide = Policy(Objects.PodCapture(TeamA, "t").Spec, new AlertLabelMapping { Namespace = "namespace", Pod = "pod" });
        CapturePolicyReach.Clamp(wide, child).ShouldBeNull();
    }

    [Fact]
    public void A_node_wide_child_needs_a_node_wide_policy()
    {
        var child = Child(TeamA, new CaptureTarget { NodeSelector = new LabelSelector { MatchLabels = new() { ["kubernetes.io/hostname"] = "node-a" } } });

        CapturePolicyReach.Clamp(Policy(Objects.PodCapture(TeamA, "t").Spec, null), child).ShouldNotBeNull()
            .ShouldEndWith("spec.captureConfiguration.captureTarget.nodeSelector captures whole nodes, which the policy may not");
        CapturePolicyReach.Clamp(Policy(Objects.PodCapture(TeamA, "t").Spec, new AlertLabelMapping { Node = "instance" }), child).ShouldBeNull();
        CapturePolicyReach.Clamp(Policy(Objects.NodeCapture(TeamA, "t").Spec, null), child).ShouldBeNull();
    }

    [Fact]
    public void A_child_with_an_unpinned_namespace_selector_needs_a_policy_that_may_reach_any_namespace()
    {
        var pinnedPolicy = Policy(Template(new CaptureTarget { NamespaceSelector = Pinned(TeamA, "team-b"), PodSelector = new LabelSelector() }), null);
        var child = Child(TeamA, new CaptureTarget { NamespaceSelector = new LabelSelector { MatchLabels = new() { ["team"] = "x" } }, PodSelector = new LabelSelector() });

        CapturePolicyReach.Clamp(pinnedPolicy, child).ShouldNotBeNull().ShouldContain("the policy may reach only team-a, team-b");
        CapturePolicyReach.Clamp(pinnedPolicy, Child(TeamA, new CaptureTarget { NamespaceSelector = Pinned("team-b"), PodSelector = new LabelSelector() })).ShouldBeNull();
    }

    [Fact]
    public void The_reach_of_a_policy_lists_every_part_with_its_field()
    {
        var reach = CapturePolicyReach.Of(Policy(Template(new CaptureTarget { NamespaceSelector = Pinned("team-b"), PodSelector = new LabelSelector() }), new AlertLabelMapping { Node = "node" }));

        reach.NodeWide.ShouldBeTrue();
        reach.AnyNamespace.ShouldBeFalse();
        reach.Namespaces.Keys.ShouldBe(["team-b"]);
    }

    private static LabelSelector Pinned(params string[] names) =>
        new() { MatchExpressions = [new() { Key = NamespaceNames.NameLabel, Operator = "In", Values = [.. names] }] };

    private static CaptureSpec Template(CaptureTarget target)
    {
        var spec = Objects.PodCapture(TeamA, "t").Spec;
        spec.CaptureConfiguration.CaptureTarget = target;
        return spec;
    }

    private static Api.Capture.Capture Child(string ns, CaptureTarget target)
    {
        var c = Objects.PodCapture(ns, "child");
        c.Spec.CaptureConfiguration.CaptureTarget = target;
        return c;
    }
}
