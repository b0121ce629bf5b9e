using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Plugins.LinuxUtil;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Plugins.LinuxUtil;

public sealed class LinuxUtilPluginTests
{
    [KernelFact]
    public async Task Values_equal_the_namespaces_proc_files()
    {
        await using var pair = await NetnsPair.CreateAsync("lu");
        using var a = await NsUdp.BindAsync(pair.NamespaceA, pair.AddressA, 7801);
        using var b = await NsUdp.BindAsync(pair.NamespaceB, pair.AddressB, 7802);
        using var listener = await NsTcp.ListenAsync(pair.NamespaceA, pair.AddressA, 7803);
        NsUdp.Send(a, pair.AddressB, 7802, 37);
        NsUdp.Drain(b, 37, TimeSpan.FromSeconds(5)).ShouldBe(37);

        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, new PluginRequest("linuxutil"));
        t.State("linuxutil").ShouldBe(PluginState.Running("linuxutil", "procfs"));
        var text = await t.Metrics.ScrapeAsync();

        var snmp = ProcNet.ParseKeyValuePairs(await NsTcp.ProcNetAsync(pair.NamespaceA, "snmp"));
        var dev = ProcNet.ParseDev(await NsTcp.ProcNetAsync(pair.NamespaceA, "dev"));
        snmp["Udp"]["OutDatagrams"].ShouldBe(37);
        MetricsText.Value(text, "networkobservability_udp_connection_stats", ("statistic_name", "OutDatagrams")).ShouldBe(37);
        foreach (var field in new[] { "InDatagrams", "NoPorts", "InErrors", "RcvbufErrors" })
        {
            MetricsText.Value(text, "networkobservability_udp_connection_stats", ("statistic_name", field)).ShouldBe(snmp["Udp"][field], field);
        }

        foreach (var field in new[] { "OutRequests", "InReceives", "InDelivers" })
        {
            MetricsText.Value(text, "networkobservability_ip_connection_stats", ("statistic_name", field)).ShouldBe(snmp["Ip"][field], field);
        }

        MetricsText.Value(text, "networkobservability_tcp_connection_stats", ("statistic_name", "ActiveOpens")).ShouldBe(snmp["Tcp"]["ActiveOpens"]);
        foreach (var field in new[] { "tx_packets", "tx_bytes", "rx_packets" })
        {
            MetricsText.Value(text, "networkobservability_interface_stats", ("interface_name", pair.VethA), ("statistic_name", field)).ShouldBe(dev[pair.VethA][field], field);
        }

        dev[pair.VethA]["tx_packets"].ShouldBe(37);
        MetricsText.Value(text, "networkobservability_tcp_state", ("state", "LISTEN")).ShouldBe(1);
        MetricsText.Value(text, "networkobservability_tcp_state", ("state", "ESTABLISHED")).ShouldBe(0);
    }

    [Fact]
    public void Proc_parsers_read_pairs_dev_and_sockets()
    {
        var kv = ProcNet.ParseKeyValuePairs("Udp: InDatagrams NoPorts\nUdp: 5 7\nTcp: MaxConn\nTcp: -1\n");
        kv["Udp"]["NoPorts"].ShouldBe(7);
        kv["Tcp"]["MaxConn"].ShouldBe(-1);
        var dev = ProcNet.ParseDev("Inter-|   Receive\n face |bytes\n  eth0: 100 2 0 0 0 0 0 0 300 4 0 0 0 0 0 0\n");
        dev["eth0"]["rx_bytes"].ShouldBe(100);
        dev["eth0"]["tx_packets"].ShouldBe(4);
        var socks = ProcNet.ParseTcpSockets("  sl  local_address rem_address   st\n   0: 0100007F:1F90 0200C80A:0050 01 0\n").ToList();
        socks.ShouldBe([("ESTABLISHED", "10.200.0.2", 80)]);
    }
}
