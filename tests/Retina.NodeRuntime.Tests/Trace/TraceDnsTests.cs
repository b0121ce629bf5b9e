using System.Net;
using Retina.Api.TraceSession;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.NodeRuntime.Tests.Plugins.Dns;
using Retina.Testing.Kernel;

namespace Retina.NodeRuntime.Tests.Trace;

public sealed class TraceDnsTests
{
    [KernelFact]
    public async Task NXDOMAIN_from_dnsmasq_and_SERVFAIL_are_recorded_with_the_asking_pod_and_top_the_failures()
    {
        await using var bed = await TraceBed.StartAsync("tdn", 3);
        // DNS served by other pods on the same node: dnsmasq in db-0, a failing resolver in cache-0.
        await using var dnsmasq = await Dnsmasq.StartAsync(bed.Pod(1).Namespace, "10.200.99.1 ok.retina.test\n10.200.99.2 ok.retina.test\n", 137, bed.Pod(1).Address);
        await using var failing = await ServfailServer.StartAsync(bed.Pod(2).Namespace, bed.Pod(2).Address);
        var a = bed.Assignment("dns", [TraceEventKinds.Dns], 0);
        await bed.StartAsync(a);

        using var client = await NsUdp.BindAsync(bed.Pod(0).Namespace, bed.Pod(0).Address, 7601);
        DnsQueries.Ask(client, new IPEndPoint(IPAddress.Parse(bed.Pod(1).Address), 53), "ok.retina.test", 11).ShouldBe(0);
        DnsQueries.Ask(client, new IPEndPoint(IPAddress.Parse(bed.Pod(1).Address), 53), "missing.retina.test", 12).ShouldBe(3);
        DnsQueries.Ask(client, new IPEndPoint(IPAddress.Parse(bed.Pod(2).Address), 53), "down.example.test", 13).ShouldBe(2);

        var status = await bed.WaitAsync(a.Key, s => s.Events >= 6, "3 queries and 3 responses");
        status.Events.ShouldBe(6);
        status.EventsByKind![TraceEventKinds.Dns].ShouldBe(6);
        var failures = status.TopDnsFailures!;
        failures.Count.ShouldBe(2);
        failures.ShouldContain(f => f.Value == "missing.retina.test. NXDOMAIN" && f.Count == 1 && f.Pods!.SequenceEqual(new[] { "shop/web-1" }));
        failures.ShouldContain(f => f.Value == "down.example.test. SERVFAIL" && f.Count == 1 && f.Pods!.SequenceEqual(new[] { "shop/web-1" }));

        var lines = bed.Lines("dns");
        FlowLineSchema.ShouldAllMatch(lines);
        lines.Count.ShouldBe(6);
        var nx = lines.Single(l => (string?)l["flow"]!["l7"]!["dns"]!["query"] == "missing.retina.test." && (string?)l["flow"]!["l7"]!["type"] == "RESPONSE")["flow"]!;
        ((int?)nx["l7"]!["dns"]!["rcode"]).ShouldBe(3);
        ((string?)nx["Type"]).ShouldBe("L7");
        ((bool?)nx["is_reply"]).ShouldBe(true);
        ((string?)nx["source"]!["pod_name"]).ShouldBe("db-0");
        ((string?)nx["destination"]!["pod_name"]).ShouldBe("web-1");
        ((long?)nx["l7"]!["latency_ns"]).ShouldNotBeNull().ShouldBeGreaterThan(0);
        var ok = lines.Single(l => (string?)l["flow"]!["l7"]!["dns"]!["query"] == "ok.retina.test." && (string?)l["flow"]!["l7"]!["type"] == "RESPONSE")["flow"]!;
        ok["l7"]!["dns"]!["ips"]!.AsArray().Select(i => (string?)i).Order().ShouldBe(["10.200.99.1", "10.200.99.2"]);
        ((long?)ok["l7"]!["dns"]!["ttl"]).ShouldBe(137, "the answers' TTL as dnsmasq served them (--local-ttl)");
        ((long?)nx["l7"]!["dns"]!["ttl"]).ShouldBe(0, "an NXDOMAIN has no answer records");
        var sf = lines.Single(l => (string?)l["flow"]!["l7"]!["dns"]!["query"] == "down.example.test." && (string?)l["flow"]!["l7"]!["type"] == "RESPONSE")["flow"]!;
        ((string?)sf["extensions"]!["dns_rcode"]).ShouldBe("SERVFAIL");
    }
}
