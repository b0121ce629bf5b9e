using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Api.CapturePolicy;
using Retina.Controllers.NodeRuntime;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.Controllers.Tests.Triggers;

/// <summary>Threshold triggers: what admission accepts, and which thresholds each node is given to evaluate.</summary>
public sealed class ThresholdTriggerTests
{
    internal static Policy Policy(string name, ThresholdTrigger threshold, LabelSelector? nodes = null)
    {
        var p = new Policy();
        p.Metadata.Name = name;
        p.Metadata.NamespaceProperty = "default";
        p.Spec.CaptureTemplate.CaptureConfiguration.CaptureOption = new CaptureOption { Duration = "30s" };
        p.Spec.CaptureTemplate.CaptureConfiguration.CaptureTarget = nodes is null ? null : new CaptureTarget { NodeSelector = nodes };
        p.Spec.CaptureTemplate.OutputConfiguration.HostPath = "thresholds";
        p.Spec.Triggers = [new CaptureTrigger { Name = "t", Threshold = threshold }];
        return p;
    }

    private static V1Node Node(string name, string role) => new() { Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["role"] = role } } };

    [Fact]
    public void A_window_shorter_than_five_seconds_a_reason_on_another_metric_and_an_unknown_rcode_are_refused_by_field()
    {
        var report = new CapturePolicyValidator().Validate(Policy("p", new ThresholdTrigger { Metric = "retransmitRate", Above = 5, For = "2s", Reason = "NO_SOCKET", Rcodes = ["BOGUS"] }));

        report.IsValid.ShouldBeFalse();
        var paths = report.Errors.Select(p => p.Path).ToList();
        paths.ShouldContain("spec.triggers[0].threshold.for");
        paths.ShouldContain("spec.triggers[0].threshold.reason");
        paths.ShouldContain("spec.triggers[0].threshold.rcodes");
        paths.ShouldContain("spec.triggers[0].threshold.rcodes[0]");
        report.Errors.Single(p => p.Path == "spec.triggers[0].threshold.for").Message.ShouldContain("5s");
    }

    [Fact]
    public void The_issue_examples_validate_drops_of_one_reason_dns_failures_by_rcode_and_retransmits()
    {
        var validator = new CapturePolicyValidator();
        validator.Validate(Policy("a", new ThresholdTrigger { Metric = "dropRate", Above = 100, For = "5s", Reason = "NETFILTER_DROP" })).IsValid.ShouldBeTrue();
        validator.Validate(Policy("b", new ThresholdTrigger { Metric = "dnsFailureRate", Above = 10, For = "1m", Rcodes = ["nxdomain", "SERVFAIL"] })).IsValid.ShouldBeTrue();
        validator.Validate(Policy("c", new ThresholdTrigger { Metric = "retransmitRate", Above = 50 })).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void Each_node_gets_the_thresholds_of_the_armed_policies_that_may_fire_on_it_with_defaults_written_out()
    {
        var db = new LabelSelector { MatchLabels = new() { ["role"] = "db" } };
        var suspended = Policy("s", new ThresholdTrigger { Metric = "dropRate", Above = 1 });
        suspended.Spec.Suspend = true;
        var policies = new[]
        {
            Policy("a", new ThresholdTrigger { Metric = "dnsFailureRate", Above = 10 }),
            Policy("b", new ThresholdTrigger { Metric = "dropRate", Above = 100, For = "10s", Reason = "NETFILTER_DROP" }, db),
            suspended,
        };

        var web = NodeTriggersDesired.For(Node("web-1", "web"), policies)!;
        web.Count.ShouldBe(1, "b selects db nodes; s is suspended");
        var a = web[0];
        (a.Policy, a.Trigger, a.Metric, a.Above, a.WindowSeconds).ShouldBe(("default/a", "t", "dnsFailureRate", 10L, 30));
        a.Rcodes.ShouldBe(["NXDOMAIN", "SERVFAIL"], "the default rcodes are written out");

        var dbNode = NodeTriggersDesired.For(Node("db-1", "db"), policies)!;
        dbNode.Select(t => t.Policy).ShouldBe(["default/a", "default/b"]);
        (dbNode[1].Reason, dbNode[1].WindowSeconds, dbNode[1].Rcodes).ShouldBe(("NETFILTER_DROP", 10, (List<string>?)null));

        NodeTriggersDesired.For(Node("web-1", "web"), [suspended]).ShouldBeNull();
    }
}
