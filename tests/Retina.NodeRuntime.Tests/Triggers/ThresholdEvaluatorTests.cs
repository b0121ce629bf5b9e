using Microsoft.Extensions.Time.Testing;
using Retina.Api.NodeRuntime;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Triggers;

namespace Retina.NodeRuntime.Tests.Triggers;

/// <summary>The evaluator over the runtime's own counters, moved by hand: DNS failures by rcode, retransmits and their top pod, spec changes.</summary>
public sealed class ThresholdEvaluatorTests
{
    private readonly NodeMetrics metrics = new();
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);

    private void Seconds(ThresholdEvaluator evaluator, int count, Action perSecond)
    {
        for (var i = 0; i < count; i++)
        {
            perSecond();
            time.Advance(ThresholdEvaluator.Tick);
            evaluator.Evaluate();
        }
    }

    [Fact]
    public void Dns_failures_count_only_the_rcodes_asked_for_whatever_the_case_of_the_label()
    {
        var evaluator = new ThresholdEvaluator(metrics, time);
        evaluator.Apply([new NodeTriggerSpec { Policy = "default/p", Trigger = "dns", Metric = "dnsFailureRate", Above = 10, WindowSeconds = 5, Rcodes = ["NXDOMAIN", "SERVFAIL"] }]);
        evaluator.Evaluate();
        Seconds(evaluator, 5, () =>
        {
            metrics.DnsResponseCount.WithLabels("NXDomain", "A", "missing.example.", "", "0").Inc(8);
            metrics.DnsResponseCount.WithLabels("NoError", "A", "ok.example.", "10.0.0.1", "1").Inc(100);
        });
        evaluator.Report().ShouldBeNull("8 NXDOMAIN a second is not above 10; NOERROR answers do not count");

        Seconds(evaluator, 5, () =>
        {
            metrics.DnsResponseCount.WithLabels("NXDomain", "A", "missing.example.", "", "0").Inc(8);
            metrics.DnsResponseCount.WithLabels("ServFail", "AAAA", "broken.example.", "", "0").Inc(5);
        });
        var breach = evaluator.Report().ShouldHaveSingleItem();
        (breach.State, breach.Value).ShouldBe(("Firing", "11"), "the first window above 10: three seconds of 13 and two of 8");
    }

    [Fact]
    public void A_retransmit_breach_names_the_local_pod_that_retransmitted_most_lately()
    {
        var pods = new Dictionary<string, (string, string)> { ["10.1.0.5"] = ("shop", "cart-1"), ["10.1.0.6"] = ("shop", "web-2") };
        var evaluator = new ThresholdEvaluator(metrics, time) { PodOf = ip => pods.TryGetValue(ip, out var p) ? p : null };
        evaluator.Apply([new NodeTriggerSpec { Policy = "shop/p", Trigger = "rtx", Metric = "retransmitRate", Above = 20, WindowSeconds = 5 }]);
        evaluator.Evaluate();
        Seconds(evaluator, 5, () =>
        {
            metrics.TcpRetransCount.WithLabels("10.1.0.5", "10.9.0.1").Inc(25);
            metrics.TcpRetransCount.WithLabels("10.1.0.6", "10.9.0.1").Inc(5);
        });

        var breach = evaluator.Report().ShouldHaveSingleItem();
        (breach.Value, breach.Namespace, breach.Pod).ShouldBe(("30", "shop", "cart-1"));
    }

    [Fact]
    public void A_changed_threshold_starts_a_fresh_window_and_an_unchanged_one_keeps_its_episode()
    {
        var spec = new NodeTriggerSpec { Policy = "default/p", Trigger = "d", Metric = "dropRate", Above = 5, WindowSeconds = 5 };
        var evaluator = new ThresholdEvaluator(metrics, time) { PluginRunning = _ => true };
        evaluator.Apply([spec]);
        evaluator.Evaluate();
        Seconds(evaluator, 5, () => metrics.DropCount.WithLabels("NO_SOCKET", "ingress").Inc(10));
        evaluator.Report().ShouldHaveSingleItem().State.ShouldBe("Firing");

        evaluator.Apply([new NodeTriggerSpec { Policy = "default/p", Trigger = "d", Metric = "dropRate", Above = 5, WindowSeconds = 5 }]);
        evaluator.Report().ShouldHaveSingleItem().State.ShouldBe("Firing", "the same definition from a new spec object");

        evaluator.Apply([new NodeTriggerSpec { Policy = "default/p", Trigger = "d", Metric = "dropRate", Above = 50, WindowSeconds = 5 }]);
        evaluator.Report().ShouldBeNull("a new value is a new threshold");
    }

    [Fact]
    public void A_reason_matches_the_kernel_name_or_its_retina_alias_and_nothing_else()
    {
        var evaluator = new ThresholdEvaluator(metrics, time);
        evaluator.Apply([new NodeTriggerSpec { Policy = "default/p", Trigger = "nf", Metric = "dropRate", Above = 10, WindowSeconds = 5, Reason = "NETFILTER_DROP" }]);
        evaluator.Evaluate();
        Seconds(evaluator, 5, () =>
        {
            metrics.DropCount.WithLabels("IPTABLE_RULE_DROP", "ingress").Inc(6); // dropreason with reasonNames: retina
            metrics.DropCount.WithLabels("NETFILTER_DROP", "egress").Inc(6);
            metrics.DropCount.WithLabels("UNKNOWN_DROP", "ingress").Inc(100);
        });

        evaluator.Report().ShouldHaveSingleItem().Value.ShouldBe("12");
    }

    [Fact]
    public void A_threshold_whose_plugin_is_not_running_says_so_in_its_status()
    {
        var evaluator = new ThresholdEvaluator(metrics, time) { PluginRunning = name => name == "dropreason" };
        evaluator.Apply([new NodeTriggerSpec { Policy = "default/p", Trigger = "r", Metric = "retransmitRate", Above = 5, WindowSeconds = 5 }]);
        evaluator.Evaluate();

        var status = evaluator.Report().ShouldHaveSingleItem();
        (status.State, status.Since).ShouldBe(("Ok", (DateTime?)null));
        status.Message.ShouldBe("retransmitRate needs the tcpretrans plugin, which is not running on this node");
    }
}
