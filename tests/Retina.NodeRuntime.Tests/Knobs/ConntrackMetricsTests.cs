using System.Net;
using System.Net.Sockets;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Tests.PacketParser;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.Testing.Kernel;
using Retina.Testing.Waiting;
using static Retina.NodeRuntime.Tests.AdvancedMetrics.AdvancedMetricsSpecs;

namespace Retina.NodeRuntime.Tests.Knobs;

/// <summary>enableConntrackMetrics: Retina's conntrack_* gauges from packetparser's connection table, exact with real traffic.</summary>
public sealed class ConntrackMetricsTests
{
    private const string P = "networkobservability_conntrack_";

    [KernelFact]
    public async Task Udp_and_tcp_connections_between_pods_count_each_packet_once_per_direction()
    {
        await using var bed = await PodLevelBed.StartAsync("knc", 2, Spec(Option("forward_count", ["podname"], ["podname"], ["direction"])),
            settings: ("conntrackMetrics", "true"));
        bed.State.State.ShouldBe(PluginPhase.Running, bed.State.Reason);
        var (a, b) = (bed.Network.Pods[0], bed.Network.Pods[1]);
        using var sa = await NsUdp.BindAsync(a.Namespace, a.Address, 7044);
        using var sb = await NsUdp.BindAsync(b.Namespace, b.Address, 7044);

        NsUdp.Send(sa, b.Address, 7044, 7);
        NsUdp.Drain(sb, 7, TimeSpan.FromSeconds(5)).ShouldBe(7);
        NsUdp.Send(sb, a.Address, 7044, 3);
        NsUdp.Drain(sa, 3, TimeSpan.FromSeconds(5)).ShouldBe(3);

        // One connection seen on two veths: 7 packets of 64-byte frames out, 3 back, each once.
        await Until.TrueAsync(async () =>
        {
            var t = await bed.ScrapeAsync();
            return Value(t, "packets_tx") == 7 && Value(t, "packets_rx") == 3 && Value(t, "total_connections") == 1;
        }, "one UDP connection, 7 packets out and 3 back");
        var text = await bed.ScrapeAsync();
        Value(text, "bytes_tx").ShouldBe(7 * 64);
        Value(text, "bytes_rx").ShouldBe(3 * 64);

        // A real TCP connection, left open: its packets (handshake, data, acks) are whatever TCP sends, so the exact
        // count is the one packetparser's per-packet metric sees leaving each pod.
        using var listener = await NsTcp.ListenAsync(b.Namespace, b.Address, 7045);
        using var client = await NsTcp.CreateAsync(a.Namespace);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Parse(b.Address), 7045));
        using var server = await listener.AcceptAsync();
        for (var i = 0; i < 20; i++)
        {
            client.Send(new byte[100]);
        }

        var got = 0;
        var buf = new byte[4096];
        while (got < 2000)
        {
            got += await server.ReceiveAsync(buf, SocketFlags.None);
        }

        server.Send(new byte[10]);
        client.Receive(buf).ShouldBe(10);

        var last = "";
        await Until.TrueAsync(async () =>
        {
            var t = await bed.ScrapeAsync();
            var egress = AdvancedMetrics.SeriesLines.Sum(t, "networkobservability_adv_forward_count", ("direction", "egress"));
            last = $"tx {Value(t, "packets_tx")} rx {Value(t, "packets_rx")} egress {egress} connections {Value(t, "total_connections")}";
            return Value(t, "total_connections") == 2 && Value(t, "packets_tx") + Value(t, "packets_rx") == egress && Value(t, "packets_rx") > 3;
        }, "two connections, every packet counted once in the direction it went (" + last + ")");
    }

    private static double Value(string text, string name) =>
        text.Split('\n').Where(l => l.StartsWith(P + name + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .DefaultIfEmpty(double.NaN).Single();
}
