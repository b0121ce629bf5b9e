using System.Net;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Api.Capture;
using Retina.Api.TraceSession;
using Retina.Controllers.Hosting;
using Retina.Controllers.Options;
using Retina.Native.Packet;
using Retina.NodeRuntime.Agent;
using Retina.NodeRuntime.Tests.Enrichment;
using Retina.NodeRuntime.Tests.Agent;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.NodeRuntime.Tests.Plugins.Dns;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;
using TraceObject = Retina.Api.TraceSession.TraceSession;

namespace Retina.NodeRuntime.Tests.Trace;

/// <summary>
/// Issue 13's Done-when: a TraceSession applied through the fake API, the real controllers assigning it and the real
/// node runtime tracing pods in netns (an nft drop rule, NXDOMAIN from dnsmasq in a DNS pod), read back as a user would:
/// the TraceSession's status and the JSON lines under the host path.
/// </summary>
public sealed class TraceSessionJourneyTests
{
    private const string Node = "node1";
    private const int Drops = 20;
    private const int Queries = 3;
    private const string Missing = "missing.retina.test";
    private static readonly CancellationToken None = CancellationToken.None;

    [KernelFact]
    public async Task A_trace_session_names_the_dropping_pod_and_reason_and_the_failing_query_in_status_and_in_its_json_lines()
    {
        // web-1 (A) sends to dns-0 whose nft drops it; client-0 (B) asks dns-0 (dnsmasq) for a name that does not exist.
        await using var bed = await OneNodeJourneyBed.StartAsync("tsj", "web-1", "client-0", "dns-0");
        var client = bed.Client;
        var (a, b, dns) = (bed.Net.Pods[0], bed.Net.Pods[1], bed.Net.Pods[2]);
        await NetnsPair.ExecAsync(dns.Namespace, "nft", "add table inet rtest; add chain inet rtest input_rt { type filter hook input priority 0; }; add rule inet rtest input_rt udp dport 7100 drop");
        await using var dnsmasq = await Dnsmasq.StartAsync(dns.Namespace, "10.200.99.1 ok.retina.test\n", dns.Address);
        await bed.RunAsync();
        var captures = bed.Captures;

        await client.CreateAsync(Session(), None);
        await Until.ValueAsync(() => client.GetAsync<TraceObject>("journey", "shop", None),
            t => t?.Status?.Nodes?.SingleOrDefault()?.Phase == CapturePhase.Running, "node1 reports the trace Running", TimeSpan.FromSeconds(30));

        using var web = await NsUdp.BindAsync(a.Namespace, a.Address, 7101);
        NsUdp.Send(web, dns.Address, 7100, Drops);
        using var asker = await NsUdp.BindAsync(b.Namespace, b.Address, 7601);
        for (var i = 0; i < Queries; i++)
        {
            DnsQueries.Ask(asker, new IPEndPoint(IPAddress.Parse(dns.Address), 53), Missing, (ushort)(20 + i)).ShouldBe(3, "dnsmasq answers NXDOMAIN");
        }

        var trace = await Until.ValueAsync(() => client.GetAsync<TraceObject>("journey", "shop", None),
            t => t?.Status?.Phase == CapturePhase.Completed, "the trace completes at its duration", TimeSpan.FromSeconds(30));
        var status = trace!.Status!;
        status.EventsByKind.ShouldNotBeNull().OrderBy(k => k.Key, StringComparer.Ordinal).ShouldBe(
            [new(TraceEventKinds.Dns, 2 * Queries), new(TraceEventKinds.Drop, Drops)]);
        status.EventCount.ShouldBe(Drops + (2 * Queries));
        status.TopDropReason.ShouldBe("NETFILTER_DROP");
        status.TopDropReasons![0].Count.ShouldBe(Drops);
        status.TopDropReasons[0].Pods!.ShouldBe(["shop/dns-0", "shop/web-1"], ignoreOrder: true);
        var failure = status.TopDnsFailures.ShouldNotBeNull().ShouldHaveSingleItem();
        failure.Value.ShouldBe(Missing + ". NXDOMAIN");
        failure.Count.ShouldBe(Queries);
        failure.Pods.ShouldBe(["shop/client-0"]);

        var dir = Path.Combine(captures, "traces", "journey");
        var files = Directory.GetFiles(dir, "*.jsonl.gz");
        files.ShouldNotBeEmpty();
        status.Artifacts.ShouldNotBeNull().Select(x => x.Location).ShouldBe(files, ignoreOrder: true);
        status.Artifacts.ShouldAllBe(x => x.Node == Node && x.Output == "hostPath");
        var lines = files.SelectMany(TraceBed.ReadGzipLines).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!.AsObject()).ToList();
        lines.Count.ShouldBe(Drops + (2 * Queries));
        FlowLineSchema.ShouldAllMatch(lines);
        var dropped = lines.Where(l => (string?)l["flow"]!["verdict"] == "DROPPED").ToList();
        dropped.Count.ShouldBe(Drops);
        dropped.ShouldAllBe(l => (string?)l["flow"]!["drop_reason_desc"] == "NETFILTER_DROP" && (string?)l["flow"]!["source"]!["pod_name"] == "web-1");
        // The README's DNS example: failing responses, the query, its rcode and the pod that asked.
        var answers = lines.Where(l => (string?)l["flow"]!["l7"]?["type"] == "RESPONSE" && (string?)l["flow"]!["extensions"]!["dns_rcode"] != "NOERROR").ToList();
        answers.Count.ShouldBe(Queries);
        answers.ShouldAllBe(l => (string?)l["flow"]!["l7"]!["dns"]!["query"] == Missing + "." && (string?)l["flow"]!["extensions"]!["dns_rcode"] == "NXDOMAIN"
            && (int?)l["flow"]!["l7"]!["dns"]!["rcode"] == 3 && (string?)l["flow"]!["destination"]!["pod_name"] == "client-0");
    }

    private static TraceObject Session()
    {
        var t = new TraceObject();
        t.Metadata.Name = "journey";
        t.Metadata.NamespaceProperty = "shop";
        t.Spec.Target = new CaptureTarget { PodNames = ["web-1", "client-0"] };
        t.Spec.Events = [TraceEventKinds.Drop, TraceEventKinds.Dns];
        t.Spec.Duration = "8s";
        t.Spec.OutputConfiguration = new OutputConfiguration { HostPath = "traces/journey" };
        return t;
    }
}
