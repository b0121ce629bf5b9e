using System.Net;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;

namespace Retina.NodeRuntime.Tests.Node;

/// <summary>
/// Exact counts on a host laid out like a Kubernetes node (<see cref="NodeBed"/>): every packet is
/// counted once per node at node level, and at both pods' interfaces at pod level.
/// </summary>
public sealed class NodeDataPlaneTests
{
    private const string Forward = "networkobservability_forward_count";
    private const string Flags = "networkobservability_tcp_flag_counters";
    private const string AdvForward = "networkobservability_adv_forward_count";
    private const string Drops = "networkobservability_drop_count";
    private const string AdvDrops = "networkobservability_adv_drop_count";
    private const string DnsRequests = "networkobservability_dns_request_count";
    private const string DnsResponses = "networkobservability_dns_response_count";

    [KernelFact]
    public async Task Pod_to_pod_pod_to_remote_and_host_traffic_count_once_per_direction_on_the_node()
    {
        await using var bed = await NodeBed.StartAsync("nd");
        foreach (var p in new[] { "packetforward", "dns", "dropreason", "packetparser" })
        {
            bed.State(p).State.ShouldBe(PluginPhase.Running, $"{p}: {bed.State(p).Reason}");
        }

        using var client = await NsUdp.BindAsync(bed.Client1.Namespace, bed.Client1.Address, 7100);
        using var web = await NsUdp.BindAsync(bed.Web.Namespace, bed.Web.Address, 7100);
        using var remote = await NsUdp.BindAsync(bed.Network.Remote!, bed.Network.RemoteAddress, 7100);
        using var host = await NsUdp.BindAsync(bed.Network.Node, bed.Network.NodeAddress, 7100);

        await CountsOnceAsync(bed, () => NsUdp.Send(client, bed.Web.Address, 7100, 20), web, 20, ingress: 20, egress: 20);
        await CountsOnceAsync(bed, () => NsUdp.Send(client, bed.Network.RemoteAddress, 7100, 15), remote, 15, ingress: 15, egress: 15);
        await CountsOnceAsync(bed, () => NsUdp.Send(host, bed.Web.Address, 7100, 10), web, 10, ingress: 0, egress: 10);

        var (clientNs, clientPod, _) = NodeBed.PodObjects[1];
        var (_, webPod, _) = NodeBed.PodObjects[2];
        await bed.GrowthAsync(AdvForward, 0, 20, ("source_podname", clientPod), ("destination_podname", webPod), ("direction", "egress"));
        await bed.GrowthAsync(AdvForward, 0, 20, ("source_podname", clientPod), ("destination_podname", webPod), ("direction", "ingress"));
        (await bed.GrowthAsync(AdvForward, 0, 15, ("source_podname", clientPod), ("destination_podname", "unknown"), ("destination_ip", bed.Network.RemoteAddress)))
            .ShouldBe(15, "the remote end is no pod of this cluster: unknown, as Retina labels it");
        (await bed.SumAsync(AdvForward, ("source_namespace", clientNs), ("source_workload_name", "client"), ("source_workload_kind", "Deployment"), ("destination_podname", webPod)))
            .ShouldBe(40);
        AdvancedMetrics.SeriesLines.Of(await bed.ScrapeAsync(), AdvForward).ShouldAllBe(s => s.Labels.Values.All(v => v.Length > 0), "no context label is left empty");
    }

    [KernelFact]
    public async Task A_tcp_handshake_between_pods_counts_each_flag_once_per_direction()
    {
        await using var bed = await NodeBed.StartAsync("ndt");
        var syn = (await bed.SumAsync(Flags, ("flag", "SYN"), ("direction", "ingress")), await bed.SumAsync(Flags, ("flag", "SYN"), ("direction", "egress")));
        var synAck = (await bed.SumAsync(Flags, ("flag", "SYNACK"), ("direction", "ingress")), await bed.SumAsync(Flags, ("flag", "SYNACK"), ("direction", "egress")));
        syn.ShouldBe((0, 0), "the series exist at 0 before any traffic");

        using var listener = await NsTcp.ListenAsync(bed.Web.Namespace, bed.Web.Address, 8080);
        using var c = await NsTcp.CreateAsync(bed.Client1.Namespace);
        await c.ConnectAsync(new IPEndPoint(IPAddress.Parse(bed.Web.Address), 8080));
        using var accepted = await listener.AcceptAsync();

        // SYN and SYN-ACK both carry SYN: two each way; the SYN-ACK alone is one each way
        (await bed.GrowthAsync(Flags, syn.Item1, 2, ("flag", "SYN"), ("direction", "ingress"))).ShouldBe(2);
        (await bed.GrowthAsync(Flags, syn.Item2, 2, ("flag", "SYN"), ("direction", "egress"))).ShouldBe(2);
        (await bed.GrowthAsync(Flags, synAck.Item1, 1, ("flag", "SYNACK"), ("direction", "ingress"))).ShouldBe(1);
        (await bed.GrowthAsync(Flags, synAck.Item2, 1, ("flag", "SYNACK"), ("direction", "egress"))).ShouldBe(1);
    }

    [KernelFact]
    public async Task Dns_from_a_pod_to_the_coredns_pod_counts_each_message_once_by_rcode_type_and_transport()
    {
        await using var bed = await NodeBed.StartAsync("ndd");
        var dns = bed.CoreDns.Address;
        using var client = await NsUdp.BindAsync(bed.Client1.Namespace, bed.Client1.Address, 7153);
        ushort id = 1;
        await Until.TrueAsync(() => NodeDns.AskUdp(client, dns, "api.retina.test", 1, id++) == 0, "dnsmasq answers");
        // events reach the metrics in order: once the answer is counted, so is every question before it
        await Until.TrueAsync(async () => await bed.SumAsync(DnsResponses, ("return_code", "NoError")) >= 1, "the readiness answer is counted");
        var a = await bed.SumAsync(DnsRequests, ("query_type", "A"));
        var aaaa = await bed.SumAsync(DnsRequests, ("query_type", "AAAA"));
        var ok = await bed.SumAsync(DnsResponses, ("return_code", "NoError"), ("query_type", "A"));
        var nx = await bed.SumAsync(DnsResponses, ("return_code", "NXDomain"));
        var ok6 = await bed.SumAsync(DnsResponses, ("return_code", "NoError"), ("query_type", "AAAA"), ("response", NodeBed.ApiAddress6));

        for (var i = 0; i < 4; i++)
        {
            NodeDns.AskUdp(client, dns, "api.retina.test", 1, (ushort)(1000 + i)).ShouldBe(0);
        }

        NodeDns.AskUdp(client, dns, "nope.retina.test", 1, 2000).ShouldBe(3);
        NodeDns.AskUdp(client, dns, "api.retina.test", 28, 3000).ShouldBe(0);
        (await NodeDns.AskTcpAsync(bed.Client1.Namespace, dns, "api.retina.test", 1, 4000)).ShouldBe(0);

        // each query crosses the client's and CoreDNS's veths: still one request and one response
        (await bed.GrowthAsync(DnsRequests, a, 6, ("query_type", "A"))).ShouldBe(6, "4 + NXDOMAIN + TCP");
        (await bed.GrowthAsync(DnsRequests, aaaa, 1, ("query_type", "AAAA"))).ShouldBe(1);
        (await bed.GrowthAsync(DnsResponses, ok, 5, ("return_code", "NoError"), ("query_type", "A"))).ShouldBe(5);
        (await bed.GrowthAsync(DnsResponses, nx, 1, ("return_code", "NXDomain"))).ShouldBe(1);
        (await bed.GrowthAsync(DnsResponses, ok6, 1, ("return_code", "NoError"), ("query_type", "AAAA"), ("response", NodeBed.ApiAddress6))).ShouldBe(1);

        var (_, clientPod, _) = NodeBed.PodObjects[1];
        (await bed.GrowthAsync("networkobservability_adv_dns_request_count", 0, 5, ("source_podname", clientPod), ("query", NodeBed.ApiName), ("query_type", "A")))
            .ShouldBeGreaterThanOrEqualTo(5, "pod-level DNS names the asking pod");
    }

    [KernelFact]
    public async Task Drops_by_an_nft_rule_and_by_a_closed_port_count_with_the_kernel_reason()
    {
        await using var bed = await NodeBed.StartAsync("ndr");
        await NetnsPair.ExecAsync(bed.Network.Node, "nft", "add table inet retinat; add chain inet retinat rfw { type filter hook forward priority 0; }; add rule inet retinat rfw udp dport 9999 drop");
        using var client = await NsUdp.BindAsync(bed.Client1.Namespace, bed.Client1.Address, 7200);
        var nft = await bed.SumAsync(Drops, ("reason", "NETFILTER_DROP"));
        var closed = await bed.SumAsync(Drops, ("reason", "NO_SOCKET"));

        NsUdp.Send(client, bed.Web.Address, 9999, 6);
        NsUdp.Send(client, bed.Network.NodeAddress, 9998, 4); // nothing listens on the node

        (await bed.GrowthAsync(Drops, nft, 6, ("reason", "NETFILTER_DROP"))).ShouldBe(6);
        (await bed.GrowthAsync(Drops, closed, 4, ("reason", "NO_SOCKET"))).ShouldBe(4);
        var (_, clientPod, _) = NodeBed.PodObjects[1];
        var (_, webPod, _) = NodeBed.PodObjects[2];
        (await bed.GrowthAsync(AdvDrops, 0, 6, ("reason", "NETFILTER_DROP"), ("source_podname", clientPod), ("destination_podname", webPod))).ShouldBe(6);
    }

    private static async Task CountsOnceAsync(NodeBed bed, Action send, System.Net.Sockets.Socket receiver, int n, int ingress, int egress)
    {
        var inBase = await bed.SumAsync(Forward, ("direction", "ingress"));
        var outBase = await bed.SumAsync(Forward, ("direction", "egress"));
        send();
        NsUdp.Drain(receiver, n, TimeSpan.FromSeconds(5)).ShouldBe(n);
        (await bed.GrowthAsync(Forward, outBase, egress, ("direction", "egress"))).ShouldBe(egress);
        (await bed.SumAsync(Forward, ("direction", "ingress")) - inBase).ShouldBe(ingress);
    }
}
