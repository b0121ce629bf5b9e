using System.Net;
using System.Net.Sockets;
using Retina.NodeRuntime.Plugins;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;

namespace Retina.NodeRuntime.Tests.Plugins.Dns;

/// <summary>
/// One copy per packet per node (bpf/dns header comment): DNS served by a pod on the same node crosses two
/// host-side veths, and the dns plugin attached to both counts each request and each response exactly once,
/// over UDP and TCP, IPv4 and IPv6, whether a pod or the node itself asks.
/// </summary>
public sealed class DnsNodeCountingTests
{
    private const string Requests = "networkobservability_dns_request_count";
    private const string Responses = "networkobservability_dns_response_count";

    private const string Hosts =
        "10.9.8.7 known.retina.test\nfd00:99::7 known.retina.test\n10.9.8.8 tcp.retina.test\nfd00:99::8 tcp.retina.test\n10.9.8.9 fence.retina.test\n";

    [KernelFact]
    public async Task Queries_from_a_pod_to_a_dns_pod_on_the_same_node_are_counted_once_across_both_veths()
    {
        await using var net = await PodNetwork.CreateAsync("dnc", 2, ipv6: true);
        var (client, server) = (net.Pods[0], net.Pods[1]);
        await using var dnsmasq = await Dnsmasq.StartAsync(server.Namespace, Hosts, server.Address, server.Address6!);
        await using var t = await PluginTestHost.StartAsync(net.Node, PluginTestHost.Request("dns", ("interfaces", $"{client.HostVeth},{server.HostVeth}")));
        t.State("dns").ShouldBe(PluginState.Running("dns", "tcx"));
        using var udp4 = await DnsQueries.BindUdpAsync(client.Namespace, client.Address, 7611);
        using var udp6 = await DnsQueries.BindUdpAsync(client.Namespace, client.Address6!, 7611);
        var dns4 = new IPEndPoint(IPAddress.Parse(server.Address), 53);
        var dns6 = new IPEndPoint(IPAddress.Parse(server.Address6!), 53);
        const int a = 7, nx = 5, aaaa = 4, tcp4 = 3, tcp6 = 2;

        for (var i = 0; i < a; i++)
        {
            DnsQueries.Ask(udp4, dns4, "known.retina.test", (ushort)(100 + i)).ShouldBe(0);
        }

        for (var i = 0; i < nx; i++)
        {
            DnsQueries.Ask(udp4, dns4, "missing.retina.test", (ushort)(200 + i)).ShouldBe(3);
        }

        for (var i = 0; i < aaaa; i++)
        {
            DnsQueries.Ask(udp6, dns6, "known.retina.test", (ushort)(300 + i), type: 28).ShouldBe(0);
        }

        for (var i = 0; i < tcp4; i++)
        {
            (await DnsQueries.AskTcpAsync(client.Namespace, null, dns4, "tcp.retina.test", (ushort)(400 + i))).ShouldBe(0);
        }

        for (var i = 0; i < tcp6; i++)
        {
            (await DnsQueries.AskTcpAsync(client.Namespace, null, dns6, "tcp.retina.test", (ushort)(500 + i), type: 28)).ShouldBe(0);
        }

        var text = await FenceAsync(t, udp4, dns4);
        Value(text, Requests, ("query", "known.retina.test."), ("query_type", "A")).ShouldBe(a);
        Value(text, Requests, ("query", "missing.retina.test."), ("query_type", "A")).ShouldBe(nx);
        Value(text, Requests, ("query", "known.retina.test."), ("query_type", "AAAA")).ShouldBe(aaaa);
        Value(text, Requests, ("query", "tcp.retina.test."), ("query_type", "A")).ShouldBe(tcp4);
        Value(text, Requests, ("query", "tcp.retina.test."), ("query_type", "AAAA")).ShouldBe(tcp6);
        Value(text, Responses, Answer("NoError", "A", "known.retina.test.", "10.9.8.7", "1")).ShouldBe(a);
        Value(text, Responses, Answer("NXDomain", "A", "missing.retina.test.", "", "0")).ShouldBe(nx);
        Value(text, Responses, Answer("NoError", "AAAA", "known.retina.test.", "fd00:99::7", "1")).ShouldBe(aaaa);
        Value(text, Responses, Answer("NoError", "A", "tcp.retina.test.", "10.9.8.8", "1")).ShouldBe(tcp4);
        Value(text, Responses, Answer("NoError", "AAAA", "tcp.retina.test.", "fd00:99::8", "1")).ShouldBe(tcp6);
        const int all = a + nx + aaaa + tcp4 + tcp6 + 1;
        Value(text, Requests).ShouldBe(all, "every request once: never again at the server veth's egress");
        Value(text, Responses).ShouldBe(all, "every response once: never again at the client veth's egress");
        Value(text, "controlplane_networkobservability_lost_events_total", ("type", "dns")).ShouldBe(0);
    }

    [KernelFact]
    public async Task Queries_the_node_itself_sends_to_a_dns_pod_are_counted_once_at_the_pods_veth()
    {
        await using var net = await PodNetwork.CreateAsync("dnh", 2, ipv6: true);
        var (other, server) = (net.Pods[0], net.Pods[1]);
        await using var dnsmasq = await Dnsmasq.StartAsync(server.Namespace, Hosts, server.Address, server.Address6!);
        await using var t = await PluginTestHost.StartAsync(net.Node, PluginTestHost.Request("dns", ("interfaces", $"{other.HostVeth},{server.HostVeth}")));
        t.State("dns").ShouldBe(PluginState.Running("dns", "tcx"));
        using var udp4 = await DnsQueries.BindUdpAsync(net.Node, net.NodeAddress, 7612);
        using var udp6 = await DnsQueries.BindUdpAsync(net.Node, net.NodeAddress6!, 7612);
        var dns4 = new IPEndPoint(IPAddress.Parse(server.Address), 53);
        var dns6 = new IPEndPoint(IPAddress.Parse(server.Address6!), 53);
        const int a = 6, nx = 2, aaaa = 3, tcp4 = 2;

        for (var i = 0; i < a; i++)
        {
            DnsQueries.Ask(udp4, dns4, "known.retina.test", (ushort)(100 + i)).ShouldBe(0);
        }

        for (var i = 0; i < nx; i++)
        {
            DnsQueries.Ask(udp6, dns6, "missing.retina.test", (ushort)(200 + i)).ShouldBe(3);
        }

        for (var i = 0; i < aaaa; i++)
        {
            DnsQueries.Ask(udp6, dns6, "known.retina.test", (ushort)(300 + i), type: 28).ShouldBe(0);
        }

        var local = new IPEndPoint(IPAddress.Parse(net.NodeAddress), 0);
        for (var i = 0; i < tcp4; i++)
        {
            (await DnsQueries.AskTcpAsync(net.Node, local, dns4, "tcp.retina.test", (ushort)(400 + i))).ShouldBe(0);
        }

        var text = await FenceAsync(t, udp4, dns4);
        Value(text, Requests, ("query", "known.retina.test."), ("query_type", "A")).ShouldBe(a);
        Value(text, Requests, ("query", "missing.retina.test."), ("query_type", "A")).ShouldBe(nx);
        Value(text, Requests, ("query", "known.retina.test."), ("query_type", "AAAA")).ShouldBe(aaaa);
        Value(text, Requests, ("query", "tcp.retina.test."), ("query_type", "A")).ShouldBe(tcp4);
        Value(text, Responses, Answer("NoError", "A", "known.retina.test.", "10.9.8.7", "1")).ShouldBe(a);
        Value(text, Responses, Answer("NXDomain", "A", "missing.retina.test.", "", "0")).ShouldBe(nx);
        Value(text, Responses, Answer("NoError", "AAAA", "known.retina.test.", "fd00:99::7", "1")).ShouldBe(aaaa);
        Value(text, Responses, Answer("NoError", "A", "tcp.retina.test.", "10.9.8.8", "1")).ShouldBe(tcp4);
        const int all = a + nx + aaaa + tcp4 + 1;
        Value(text, Requests).ShouldBe(all, "the host's own queries count at the pod veth's egress, once");
        Value(text, Responses).ShouldBe(all);
    }

    /// <summary>
    /// Asks one last query and waits for its answer to be counted. Every copy of an earlier packet, counted or
    /// not, was seen by the kernel before this answer was sent, and events reach user space in ring order:
    /// once the fence is counted, any double count of earlier traffic would be too.
    /// </summary>
    private static async Task<string> FenceAsync(PluginTestHost t, Socket udp, IPEndPoint server)
    {
        DnsQueries.Ask(udp, server, "fence.retina.test", 999).ShouldBe(0);
        return await Until.ValueAsync(
            () => t.Metrics.ScrapeAsync(),
            text => Value(text, Responses, ("query", "fence.retina.test.")) >= 1,
            "the fence query's answer is counted");
    }

    private static (string, string)[] Answer(string rcode, string type, string query, string response, string count) =>
        [("return_code", rcode), ("query_type", type), ("query", query), ("response", response), ("num_response", count)];

    private static double Value(string text, string metric, params (string, string)[] labels) => MetricsText.Value(text, metric, labels);
}
