using System.Net;
using Retina.NodeRuntime.Plugins;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Plugins.TcpRetrans;

public sealed class TcpRetransPluginTests
{
    [KernelFact]
    public async Task Retransmits_forced_by_a_statistic_drop_rule_are_counted_exactly_as_the_kernel_counts_them()
    {
        await using var pair = await NetnsPair.CreateAsync("tr");
        await NetnsPair.ExecAsync(pair.NamespaceB, "iptables", "-A", "INPUT", "-p", "tcp", "--dport", "7700",
            "-m", "statistic", "--mode", "nth", "--every", "4", "--packet", "2", "-j", "DROP");
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, new PluginRequest("tcpretrans"));
        t.State("tcpretrans").ShouldBe(PluginState.Running("tcpretrans", "tracepoint tcp:tcp_retransmit_skb"));
        var before = await NsTcp.SnmpAsync(pair.NamespaceA, "Tcp", "RetransSegs");

        using var listener = await NsTcp.ListenAsync(pair.NamespaceB, pair.AddressB, 7700);
        using var client = await NsTcp.CreateAsync(pair.NamespaceA);
        var accept = listener.AcceptAsync();
        await client.ConnectAsync(IPAddress.Parse(pair.AddressB), 7700);
        using var server = await accept;
        var reader = Task.Run(async () =>
        {
            var buf = new byte[4096];
            var total = 0;
            int n;
            while ((n = await server.ReceiveAsync(buf)) > 0)
            {
                total += n;
            }

            return total;
        });
        var msg = new byte[100];
        for (var i = 0; i < 40; i++)
        {
            await client.SendAsync(msg);
        }

        client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        (await reader.WaitAsync(TimeSpan.FromSeconds(60))).ShouldBe(4000);

        var kernel = await NsTcp.SnmpAsync(pair.NamespaceA, "Tcp", "RetransSegs") - before;
        kernel.ShouldBeGreaterThan(0, "the drop rule must force retransmits");
        (await t.GrowthAsync("networkobservability_adv_tcpretrans_count", 0, kernel, ("ip", pair.AddressA), ("remote_ip", pair.AddressB))).ShouldBe(kernel);
        (await t.ValueAsync("networkobservability_adv_tcpretrans_count")).ShouldBe(kernel, "nothing from other namespaces");
    }

    [KernelFact]
    public async Task Forced_ring_buffer_probe_failure_fails_the_plugin_with_the_reason()
    {
        await using var t = await PluginTestHost.StartAsync(null, null,
            o => o.ProbeOverrides[ProbeNames.RingBuffer] = ProbeResult.Unsupported("forced by test"), new PluginRequest("tcpretrans"));
        t.State("tcpretrans").ShouldBe(PluginState.Failed("tcpretrans", "ringbuf unsupported (forced by test)"));
    }
}
