using System.Net;
using Microsoft.Extensions.Time.Testing;
using Retina.Api.NodeRuntime;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.NodeRuntime.Tests.Plugins.Dns;
using Retina.NodeRuntime.Triggers;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;

namespace Retina.NodeRuntime.Tests.Triggers;

/// <summary>
/// Node-local thresholds judged on real kernel counts: the real dropreason plugin in a namespace with an nft drop rule and
/// UDP to a closed port (two reasons), the real dns plugin with a real dnsmasq answering NXDOMAIN, and the evaluator
/// ticking on a clock the test moves one second at a time, so the rates are exact.
/// </summary>
public sealed class ThresholdEvaluatorKernelTests
{
    private const string Drops = "networkobservability_drop_count";
    private const int Dropped = 7150;
    private const int Closed = 7151;

    private static NodeTriggerSpec Spec(string trigger, long above, string? reason) =>
        new() { Policy = "default/p", Trigger = trigger, Metric = "dropRate", Above = above, WindowSeconds = 5, Reason = reason };

    [KernelFact]
    public async Task Netfilter_drops_above_the_value_for_the_window_are_a_breach_that_ends_when_they_stop_and_a_higher_value_never_breaches()
    {
        await using var pair = await NetnsPair.CreateAsync("th");
        await NetnsPair.ExecAsync(pair.NamespaceA, "nft", $"add table inet rtest; add chain inet rtest input_rt {{ type filter hook input priority 0; }}; add rule inet rtest input_rt udp dport {Dropped} drop");
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, new PluginRequest("dropreason"));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var evaluator = new ThresholdEvaluator(t.Metrics, time) { Refresh = t.Host.CollectNow };
        var changes = 0;
        evaluator.Changed += () => changes++;
        evaluator.Apply([Spec("netfilter", 100, "NETFILTER_DROP"), Spec("netfilter-high", 300, "NETFILTER_DROP"), Spec("any", 500, null)]);
        evaluator.Evaluate();

        using var b = await NsUdp.BindAsync(pair.NamespaceB, pair.AddressB, 7152);
        var netfilter = await t.ValueAsync(Drops, ("reason", "NETFILTER_DROP"));
        var noSocket = await t.ValueAsync(Drops, ("reason", "NO_SOCKET"));
        async Task SecondAsync(int filtered, int closed)
        {
            NsUdp.Send(b, pair.AddressA, Dropped, filtered);
            NsUdp.Send(b, pair.AddressA, Closed, closed);
            netfilter += await t.GrowthAsync(Drops, netfilter, filtered, ("reason", "NETFILTER_DROP"));
            noSocket += await t.GrowthAsync(Drops, noSocket, closed, ("reason", "NO_SOCKET"));
            time.Advance(ThresholdEvaluator.Tick);
            evaluator.Evaluate();
        }

        // 200 netfilter drops and 400 closed-port drops a second.
        for (var s = 1; s <= 4; s++)
        {
            await SecondAsync(200, 400);
        }

        evaluator.Report().ShouldBeNull("four seconds do not fill a five-second window");
        await SecondAsync(200, 400);
        var report = evaluator.Report()!;
        var firing = report.Single(r => r.Trigger == "netfilter");
        (firing.State, firing.Value, firing.Policy).ShouldBe(("Firing", "200", "default/p"));
        firing.Since.ShouldBe(Truncated(time.GetUtcNow().UtcDateTime));
        report.Single(r => r.Trigger == "any").Value.ShouldBe("600", "without a reason every drop counts");
        report.ShouldNotContain(r => r.Trigger == "netfilter-high", "200/s never exceeds 300/s");

        // Quiet seconds: the window's rate falls 200 -> 160 -> 120 -> 80.
        await SecondAsync(0, 0);
        await SecondAsync(0, 0);
        evaluator.Report()!.Single(r => r.Trigger == "netfilter").State.ShouldBe("Firing");
        await SecondAsync(0, 0);
        var ended = evaluator.Report()!.Single(r => r.Trigger == "netfilter");
        (ended.State, ended.Since, ended.EndedTime).ShouldBe(("Ok", firing.Since, Truncated(time.GetUtcNow().UtcDateTime)));
        evaluator.Report()!.ShouldNotContain(r => r.Trigger == "netfilter-high");
        changes.ShouldBe(3, "one tick started netfilter and any; any (600 -> 480) ended at the first quiet second, netfilter at the third");
    }

    [KernelFact]
    public async Task Nxdomain_answers_from_a_real_dnsmasq_above_the_value_breach_and_noerror_answers_do_not_count()
    {
        await using var pair = await NetnsPair.CreateAsync("td");
        await using var dnsmasq = await Dnsmasq.StartAsync(pair.NamespaceB, "10.200.99.1 known.retina.test\n", pair.AddressB);
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, PluginTestHost.Request("dns", ("interfaces", pair.VethA)));
        using var client = await NsUdp.BindAsync(pair.NamespaceA, pair.AddressA, 7611);
        var server = new IPEndPoint(IPAddress.Parse(pair.AddressB), 53);
        (await Until.TryAsync(() => Task.FromResult(DnsQueries.Ask(client, server, "known.retina.test", 1) == 0))).ShouldBe(true, "dnsmasq answers");

        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var evaluator = new ThresholdEvaluator(t.Metrics, time) { Refresh = t.Host.CollectNow };
        evaluator.Apply([
            new NodeTriggerSpec { Policy = "default/p", Trigger = "nx", Metric = "dnsFailureRate", Above = 5, WindowSeconds = 5, Rcodes = ["NXDOMAIN", "SERVFAIL"] },
            new NodeTriggerSpec { Policy = "default/p", Trigger = "servfail-only", Metric = "dnsFailureRate", Above = 5, WindowSeconds = 5, Rcodes = ["SERVFAIL"] },
        ]);
        evaluator.Evaluate();
        var nx = await t.ValueAsync("networkobservability_dns_response_count", ("return_code", "NXDomain"));
        ushort id = 100;
        for (var s = 1; s <= 5; s++)
        {
            for (var i = 0; i < 8; i++)
            {
                DnsQueries.Ask(client, server, "missing.retina.test", id++).ShouldBe(3);
                DnsQueries.Ask(client, server, "known.retina.test", id++).ShouldBe(0);
            }

            nx += await t.GrowthAsync("networkobservability_dns_response_count", nx, 8, ("return_code", "NXDomain"));
            time.Advance(ThresholdEvaluator.Tick);
            evaluator.Evaluate();
        }

        var breach = evaluator.Report().ShouldHaveSingleItem("8 NXDOMAIN a second, no SERVFAIL");
        (breach.Trigger, breach.State, breach.Value).ShouldBe(("nx", "Firing", "8"));
    }

    private static DateTime Truncated(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
}
