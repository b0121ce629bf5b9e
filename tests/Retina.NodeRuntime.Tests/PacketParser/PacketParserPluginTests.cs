using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using k8s.Models;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.NodeRuntime.Tests.Plugins.Dns;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;
using static Retina.NodeRuntime.Tests.AdvancedMetrics.AdvancedMetricsSpecs;

namespace Retina.NodeRuntime.Tests.PacketParser;

public sealed class PacketParserPluginTests
{
    private const string Forward = "networkobservability_adv_forward_count";

    private static readonly Retina.Api.NodeRuntime.NodeMetricsSpec PairSpec = Spec(
        Option("forward_count", ["podname"], ["podname"], ["direction"]),
        Option("forward_bytes", ["podname"], ["podname"], ["direction"]),
        Option("drop_count", ["podname"], ["podname"]),
        Option("tcp_flag_gauges", ["podname"], ["podname"]),
        Option("dns_request_count", ["podname"], []),
        Option("dns_response_count", [], ["podname"]));

    private static (string, string)[] Pair(string src, string dst, string direction) =>
        [("source_podname", src), ("destination_podname", dst), ("direction", direction)];

    [KernelFact]
    public async Task Forwarded_packets_are_counted_exactly_per_pod_pair_and_direction()
    {
        await using var bed = await PodLevelBed.StartAsync("ppf", 3, PairSpec);
        bed.State.State.ShouldBe(PluginPhase.Running, bed.State.Reason);
        var (a, b, c) = (bed.Network.Pods[0], bed.Network.Pods[1], bed.Network.Pods[2]);
        using var sa = await NsUdp.BindAsync(a.Namespace, a.Address, 7001);
        using var sb = await NsUdp.BindAsync(b.Namespace, b.Address, 7001);
        using var sc = await NsUdp.BindAsync(c.Namespace, c.Address, 7001);

        NsUdp.Send(sa, b.Address, 7001, 7);
        NsUdp.Drain(sb, 7, TimeSpan.FromSeconds(5)).ShouldBe(7);
        NsUdp.Send(sb, c.Address, 7001, 5);
        NsUdp.Drain(sc, 5, TimeSpan.FromSeconds(5)).ShouldBe(5);

        // seen leaving pod-0 (its veth) and entering pod-1 (the other veth)
        await bed.WaitForAsync(Forward, 7, Pair("pod-0", "pod-1", "egress"));
        await bed.WaitForAsync(Forward, 7, Pair("pod-0", "pod-1", "ingress"));
        await bed.WaitForAsync(Forward, 5, Pair("pod-1", "pod-2", "egress"));
        await bed.WaitForAsync(Forward, 5, Pair("pod-1", "pod-2", "ingress"));

        // more packets on known connections arrive by periodic report / table read, still exact
        NsUdp.Send(sa, b.Address, 7001, 3);
        NsUdp.Drain(sb, 3, TimeSpan.FromSeconds(5)).ShouldBe(3);
        await bed.WaitForAsync(Forward, 10, Pair("pod-0", "pod-1", "egress"));
        await bed.WaitForAsync(Forward, 10, Pair("pod-0", "pod-1", "ingress"));
        await bed.WaitForAsync("networkobservability_adv_forward_bytes", 10 * 64, Pair("pod-0", "pod-1", "egress")); // 64-byte frames

        var text = await bed.ScrapeAsync();
        AdvancedMetrics.SeriesLines.Sum(text, Forward, ("source_podname", "pod-1"), ("destination_podname", "pod-0")).ShouldBe(0);
        AdvancedMetrics.SeriesLines.Sum(text, Forward, ("source_podname", "pod-0"), ("destination_podname", "pod-2")).ShouldBe(0);
        AdvancedMetrics.SeriesLines.Of(text, Forward).ShouldAllBe(s => s.Labels.Keys.Order().SequenceEqual(new[] { "destination_podname", "direction", "source_podname" }));
    }

    [KernelFact]
    public async Task Without_connection_tracking_every_packet_is_an_event_and_counts_stay_exact()
    {
        await using var bed = await PodLevelBed.StartAsync("ppp", 2, PairSpec, settings: ("conntrack", "false"));
        var (a, b) = (bed.Network.Pods[0], bed.Network.Pods[1]);
        using var sa = await NsUdp.BindAsync(a.Namespace, a.Address, 7006);
        using var sb = await NsUdp.BindAsync(b.Namespace, b.Address, 7006);

        NsUdp.Send(sa, b.Address, 7006, 9);

        await bed.WaitForAsync(Forward, 9, Pair("pod-0", "pod-1", "egress"));
        await bed.WaitForAsync(Forward, 9, Pair("pod-0", "pod-1", "ingress"));
        var text = await bed.ScrapeAsync();
        AdvancedMetrics.SeriesLines.Sum(text, "controlplane_networkobservability_packetparser_kernel_total", ("stage", "events"))
            .ShouldBe(AdvancedMetrics.SeriesLines.Sum(text, "controlplane_networkobservability_packetparser_kernel_total", ("stage", "packets")));
    }

    [KernelFact]
    public async Task Tcp_connections_report_flags_and_only_reportable_packets_reach_user_space()
    {
        await using var bed = await PodLevelBed.StartAsync("ppt", 2, PairSpec);
        var (a, b) = (bed.Network.Pods[0], bed.Network.Pods[1]);
        using var listener = await NsTcpListen(b.Namespace, b.Address, 7100);
        const int messages = 200;
        var serverTask = Task.Run(() =>
        {
            using var conn = listener.Accept();
            var buf = new byte[64];
            var got = 0;
            while (got < messages * 64)
            {
                var n = conn.Receive(buf);
                if (n == 0)
                {
                    break;
                }

                got += n;
            }

            conn.Shutdown(SocketShutdown.Both);
            return got;
        });
        using (var client = await NsTcpConnect(a.Namespace, a.Address, b.Address, 7100))
        {
            client.NoDelay = true;
            for (var i = 0; i < messages; i++)
            {
                client.Send(new byte[64]);
            }

            client.Shutdown(SocketShutdown.Send);
            (await serverTask).ShouldBe(messages * 64);
        }

        // every packet is seen twice: leaving one pod's veth and entering the other's
        await bed.WaitForAsync("networkobservability_adv_tcpflags_count", 2, ("flag", "SYN"), ("source_podname", "pod-0"), ("destination_podname", "pod-1"));
        await bed.WaitForAsync("networkobservability_adv_tcpflags_count", 2, ("flag", "SYNACK"), ("source_podname", "pod-1"), ("destination_podname", "pod-0"));
        await Until.TrueAsync(async () => AdvancedMetrics.SeriesLines.Sum(await bed.ScrapeAsync(), "networkobservability_adv_tcpflags_count", ("flag", "FIN"), ("source_podname", "pod-0")) == 2, "the client's FIN is counted on both veths");

        var text = await bed.ScrapeAsync();
        var kernelPackets = AdvancedMetrics.SeriesLines.Sum(text, "controlplane_networkobservability_packetparser_kernel_total", ("stage", "packets"));
        var events = AdvancedMetrics.SeriesLines.Sum(text, "controlplane_networkobservability_packetparser_kernel_total", ("stage", "events"));
        kernelPackets.ShouldBeGreaterThan(20);
        events.ShouldBeLessThan(kernelPackets / 2, $"connection tracking should keep most of {kernelPackets} packets in the kernel");
    }

    [KernelFact]
    public async Task Drops_are_attributed_to_the_pods_of_the_dropped_packet()
    {
        await using var bed = await PodLevelBed.StartAsync("ppd", 3, PairSpec);
        var (a, c) = (bed.Network.Pods[0], bed.Network.Pods[2]);
        await NetnsPair.ExecAsync(c.Namespace, "nft", "add", "table", "inet", "rtest");
        await NetnsPair.ExecAsync(c.Namespace, "nft", "add", "chain", "inet", "rtest", "input", "{ type filter hook input priority 0 ; }");
        await NetnsPair.ExecAsync(c.Namespace, "nft", "add", "rule", "inet", "rtest", "input", "udp", "dport", "9999", "drop");
        using var sa = await NsUdp.BindAsync(a.Namespace, a.Address, 7002);

        NsUdp.Send(sa, c.Address, 9999, 4);

        await bed.WaitForAsync("networkobservability_adv_drop_count", 4, ("reason", "NETFILTER_DROP"), ("source_podname", "pod-0"), ("destination_podname", "pod-2"));
        await bed.WaitForAsync(Forward, 4, Pair("pod-0", "pod-2", "ingress"));
        AdvancedMetrics.SeriesLines.Sum(await bed.ScrapeAsync(), "networkobservability_adv_drop_count", ("source_podname", "pod-1")).ShouldBe(0);
    }

    [KernelFact]
    public async Task Dns_queries_and_answers_are_counted_by_pod()
    {
        await using var bed = await PodLevelBed.StartAsync("ppq", 2, PairSpec);
        await using var dnsmasq = await Dnsmasq.StartAsync(bed.Network.Node, "10.9.8.7 api.retina.test\n", bed.Network.NodeAddress);
        var a = bed.Network.Pods[0];
        using var client = await NsUdp.BindAsync(a.Namespace, a.Address, 7053);
        var server = new IPEndPoint(IPAddress.Parse(bed.Network.NodeAddress), 53);
        var attempts = 0;
        await Until.TrueAsync(() => { attempts++; return DnsQueries.Ask(client, server, "api.retina.test", (ushort)attempts) == 0; }, "dnsmasq answers");
        for (var i = 0; i < 5; i++)
        {
            DnsQueries.Ask(client, server, "api.retina.test", (ushort)(100 + i)).ShouldBe(0);
        }

        DnsQueries.Ask(client, server, "nope.retina.test", 200).ShouldBe(3);

        await bed.WaitForAsync("networkobservability_adv_dns_request_count", attempts + 5, ("source_podname", "pod-0"), ("query", "api.retina.test."), ("query_type", "A"));
        await bed.WaitForAsync("networkobservability_adv_dns_response_count", 6, ("destination_podname", "pod-0"), ("return_code", "NoError"), ("response", "10.9.8.7"));
        await bed.WaitForAsync("networkobservability_adv_dns_response_count", 1, ("destination_podname", "pod-0"), ("return_code", "NXDomain"), ("query", "nope.retina.test."));
        AdvancedMetrics.SeriesLines.Sum(await bed.ScrapeAsync(), "networkobservability_adv_dns_request_count", ("source_podname", "pod-1")).ShouldBe(0);
    }

    [KernelFact]
    public async Task Series_expire_after_their_ttl_and_vanish_with_their_pod()
    {
        var spec = Spec(
            Option("forward_count", ["podname"], ["podname"], ["direction"], ttl: "1s"),
            Option("forward_bytes", ["podname"], ["podname"], ["direction"]));
        await using var bed = await PodLevelBed.StartAsync("ppx", 3, spec);
        var (a, b, c) = (bed.Network.Pods[0], bed.Network.Pods[1], bed.Network.Pods[2]);
        using var sa = await NsUdp.BindAsync(a.Namespace, a.Address, 7003);
        using var sb = await NsUdp.BindAsync(b.Namespace, b.Address, 7003);
        using var sc = await NsUdp.BindAsync(c.Namespace, c.Address, 7003); // no port-unreachable replies
        NsUdp.Send(sa, b.Address, 7003, 2);
        NsUdp.Send(sb, c.Address, 7003, 2);
        await bed.WaitForAsync(Forward, 2, Pair("pod-0", "pod-1", "egress"));
        await bed.WaitForAsync("networkobservability_adv_forward_bytes", 128, Pair("pod-1", "pod-2", "egress"));

        // ttl 1s: the idle count series go; the bytes series (no ttl) stay
        await Until.TrueAsync(async () => AdvancedMetrics.SeriesLines.Of(await bed.ScrapeAsync(), Forward).Count == 0, "count series expire");
        AdvancedMetrics.SeriesLines.Of(await bed.ScrapeAsync(), "networkobservability_adv_forward_bytes").Count.ShouldBe(4);

        // deleting pod-0 removes the series naming it, and only those
        await bed.Client.DeleteAsync<V1Pod>("pod-0", "shop", default);
        await Until.TrueAsync(async () => AdvancedMetrics.SeriesLines.Sum(await bed.ScrapeAsync(), "networkobservability_adv_forward_bytes", ("source_podname", "pod-0")) == 0, "pod-0's series vanish");
        var left = AdvancedMetrics.SeriesLines.Of(await bed.ScrapeAsync(), "networkobservability_adv_forward_bytes");
        left.Count.ShouldBe(2);
        left.ShouldAllBe(s => s.Labels["source_podname"] == "pod-1");
    }

    [KernelFact]
    public async Task Pods_that_appear_later_are_followed_and_namespaces_outside_the_filter_are_not_reported()
    {
        var spec = Spec(["shop"], Option("forward_count", ["podname", "namespace"], ["podname"], ["direction"]));
        await using var bed = await PodLevelBed.StartAsync("ppn", 1, spec);
        var late = await bed.Network.AddPodAsync();
        await bed.CreatePodObjectAsync("shop", 1);
        var outsider = await bed.Network.AddPodAsync();
        await bed.CreatePodObjectAsync("elsewhere", 2);
        var outsider2 = await bed.Network.AddPodAsync();
        await bed.CreatePodObjectAsync("elsewhere", 3);

        using var s0 = await NsUdp.BindAsync(bed.Network.Pods[0].Namespace, bed.Network.Pods[0].Address, 7004);
        using var s1 = await NsUdp.BindAsync(late.Namespace, late.Address, 7004);
        using var s2 = await NsUdp.BindAsync(outsider.Namespace, outsider.Address, 7004);
        using var s3 = await NsUdp.BindAsync(outsider2.Namespace, outsider2.Address, 7004);

        // the late pod's veth is attached and its address learnt: wait until one of its packets is seen
        await Until.TrueAsync(async () =>
        {
            NsUdp.Send(s1, bed.Network.Pods[0].Address, 7004, 1);
            return AdvancedMetrics.SeriesLines.Sum(await bed.ScrapeAsync(), Forward, Pair("pod-1", "pod-0", "egress")) > 0;
        }, "traffic of a pod added after start is reported");

        // between two pods outside the filter: nothing; from outside to a pod inside: reported
        NsUdp.Send(s2, outsider2.Address, 7004, 3);
        NsUdp.Drain(s3, 3, TimeSpan.FromSeconds(5)).ShouldBe(3);
        NsUdp.Send(s2, late.Address, 7004, 3);
        await bed.WaitForAsync(Forward, 3, Pair("pod-2", "pod-1", "ingress"));
        await bed.WaitForAsync(Forward, 3, Pair("pod-2", "pod-1", "egress"));
        var text = await bed.ScrapeAsync();
        AdvancedMetrics.SeriesLines.Sum(text, Forward, ("source_podname", "pod-2"), ("destination_podname", "pod-3")).ShouldBe(0);
        AdvancedMetrics.SeriesLines.Of(text, Forward).ShouldContain(s => s.Labels["source_namespace"] == "elsewhere");
    }

    private static async Task<Socket> NsTcpListen(string ns, string address, int port)
    {
        using var t = Retina.Native.Libc.NetnsThread.Start(ns);
        return await t.RunAsync(() =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(IPAddress.Parse(address), port));
            s.Listen(4);
            return s;
        });
    }

    private static async Task<Socket> NsTcpConnect(string ns, string local, string remote, int port)
    {
        using var t = Retina.Native.Libc.NetnsThread.Start(ns);
        return await t.RunAsync(() =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(IPAddress.Parse(local), 0));
            s.Connect(new IPEndPoint(IPAddress.Parse(remote), port));
            return s;
        });
    }
}
