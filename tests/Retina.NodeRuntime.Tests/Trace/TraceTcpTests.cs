using System.Net;
using System.Net.Sockets;
using Retina.Api.TraceSession;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;

namespace Retina.NodeRuntime.Tests.Trace;

public sealed class TraceTcpTests
{
    [KernelFact]
    public async Task Connections_and_resets_are_recorded_exactly_with_the_pods_on_both_ends()
    {
        await using var bed = await TraceBed.StartAsync("ttc", 2);
        var a = bed.Assignment("tcp", [TraceEventKinds.Connect, TraceEventKinds.TcpReset], 0);
        await bed.StartAsync(a);
        using var listener = await NsTcp.ListenAsync(bed.Pod(1).Namespace, bed.Pod(1).Address, 8080);

        for (var i = 0; i < 3; i++)
        {
            using var c = await NsTcp.CreateAsync(bed.Pod(0).Namespace);
            await c.ConnectAsync(IPAddress.Parse(bed.Pod(1).Address), 8080);
            using var accepted = await listener.AcceptAsync();
        }

        // A closed port: db-0's kernel answers the SYN with a reset that web-1 receives.
        using (var refused = await NsTcp.CreateAsync(bed.Pod(0).Namespace))
        {
            await Should.ThrowAsync<SocketException>(async () => await refused.ConnectAsync(IPAddress.Parse(bed.Pod(1).Address), 8081));
        }

        var status = await bed.WaitAsync(a.Key, s => s.Events >= 9, "3 connections opened and accepted, 1 refused (opened, reset sent, reset received)");
        await bed.Runner.TickAsync();
        status = bed.Status(a.Key);
        status.EventsByKind![TraceEventKinds.Connect].ShouldBe(7, "3 opened + 3 accepted + 1 refused attempt");
        status.EventsByKind[TraceEventKinds.TcpReset].ShouldBe(2, "the reset db-0 sent and the one web-1 received");
        var talkers = status.TopTalkers!;
        talkers.Single(t => t.Value == $"shop/web-1 -> shop/db-0:8080/tcp").Count.ShouldBe(6);
        talkers.Single(t => t.Value == $"shop/web-1 -> shop/db-0:8081/tcp").Count.ShouldBe(1);

        var lines = bed.Lines("tcp");
        FlowLineSchema.ShouldAllMatch(lines);
        lines.Count.ShouldBe(9);
        var resets = lines.Where(l => (string?)l["flow"]!["extensions"]!["event_kind"] == TraceEventKinds.TcpReset).ToList();
        var sent = resets.Single(l => (string?)l["flow"]!["extensions"]!["reset"] == "sent")["flow"]!;
        ((string?)sent["source"]!["pod_name"]).ShouldBe("db-0");
        ((string?)sent["destination"]!["pod_name"]).ShouldBe("web-1");
        ((int?)sent["l4"]!["TCP"]!["source_port"]).ShouldBe(8081);
        ((bool?)sent["l4"]!["TCP"]!["flags"]!["RST"]).ShouldBe(true);
        var received = resets.Single(l => (string?)l["flow"]!["extensions"]!["reset"] == "received")["flow"]!;
        ((string?)received["source"]!["pod_name"]).ShouldBe("db-0");
        ((string?)received["traffic_direction"]).ShouldBe("INGRESS");
        lines.Count(l => (string?)l["flow"]!["extensions"]!["connect"] == "accepted").ShouldBe(3);
    }

    [KernelFact]
    public async Task Retransmissions_match_the_kernels_own_count_exactly()
    {
        await using var bed = await TraceBed.StartAsync("ttr", 2);
        // The SYN never arrives: web-1 retransmits it until the attempt is given up.
        await NetnsPair.ExecAsync(bed.Pod(1).Namespace, "nft", "add table inet rtest; add chain inet rtest input_rt { type filter hook input priority 0; }; add rule inet rtest input_rt tcp dport 8082 drop");
        var a = bed.Assignment("rtx", [TraceEventKinds.TcpRetrans], 0);
        await bed.StartAsync(a);
        var before = await NsTcp.SnmpAsync(bed.Pod(0).Namespace, "Tcp", "RetransSegs");
        using (var c = await NsTcp.CreateAsync(bed.Pod(0).Namespace))
        {
            var attempt = c.ConnectAsync(IPAddress.Parse(bed.Pod(1).Address), 8082);
            await Until.TrueAsync(async () => await NsTcp.SnmpAsync(bed.Pod(0).Namespace, "Tcp", "RetransSegs") > before, "a SYN retransmitted");
            c.Close();
            await Should.ThrowAsync<Exception>(async () => await attempt);
        }

        var kernel = await NsTcp.SnmpAsync(bed.Pod(0).Namespace, "Tcp", "RetransSegs") - before;
        var status = await bed.WaitAsync(a.Key, s => s.Events >= kernel, $"{kernel} retransmissions traced");
        status.Events.ShouldBe(kernel);
        var line = bed.Lines("rtx").First()["flow"]!;
        ((string?)line["source"]!["pod_name"]).ShouldBe("web-1");
        ((string?)line["destination"]!["pod_name"]).ShouldBe("db-0");
        ((int?)line["l4"]!["TCP"]!["destination_port"]).ShouldBe(8082);
    }
}
