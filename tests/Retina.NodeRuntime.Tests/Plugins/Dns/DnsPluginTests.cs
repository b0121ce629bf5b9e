using Retina.Testing.Waiting;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Retina.NodeRuntime.Plugins;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Plugins.Dns;

public sealed class DnsPluginTests
{
    [KernelFact]
    public async Task Queries_to_dnsmasq_in_a_namespace_count_requests_and_responses_by_rcode()
    {
        await using var pair = await NetnsPair.CreateAsync("dns");
        await using var dnsmasq = await Dnsmasq.StartAsync(pair.NamespaceB, "10.200.99.1 known.retina.test\n", pair.AddressB);
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, PluginTestHost.Request("dns", ("interfaces", pair.VethA)));
        t.State("dns").ShouldBe(PluginState.Running("dns", "tcx"));
        using var client = await NsUdp.BindAsync(pair.NamespaceA, pair.AddressA, 7601);
        var server = new IPEndPoint(IPAddress.Parse(pair.AddressB), 53);

        // dnsmasq may still be starting: retry the first query until it answers, counting attempts
        var attempts = 0;
        (await Until.TryAsync(() => Task.FromResult(++attempts > 0 && DnsQueries.Ask(client, server, "known.retina.test", 1) == 0))).ShouldBe(true);
        (await t.GrowthAsync("networkobservability_dns_request_count", 0, attempts, ("query", "known.retina.test."))).ShouldBe(attempts);
        (await t.GrowthAsync("networkobservability_dns_response_count", 0, 1, ("return_code", "NoError"))).ShouldBe(1);
        var reqBase = (double)attempts;
        var okBase = 1.0;

        const int n = 20, nx = 15;
        for (var i = 0; i < n; i++)
        {
            DnsQueries.Ask(client, server, "known.retina.test", (ushort)(100 + i)).ShouldBe(0);
        }

        for (var i = 0; i < nx; i++)
        {
            DnsQueries.Ask(client, server, "missing.retina.test", (ushort)(200 + i)).ShouldBe(3);
        }

        (await t.GrowthAsync("networkobservability_dns_request_count", reqBase, n, ("query", "known.retina.test."), ("query_type", "A"))).ShouldBe(n);
        (await t.GrowthAsync("networkobservability_dns_response_count", okBase, n, ("return_code", "NoError"))).ShouldBe(n);
        (await t.GrowthAsync("networkobservability_dns_response_count", 0, nx, ("return_code", "NXDomain"), ("query", "missing.retina.test."))).ShouldBe(nx);
        (await t.ValueAsync("networkobservability_dns_request_count", ("query", "missing.retina.test."))).ShouldBe(nx);
        (await t.ValueAsync("networkobservability_dns_response_count", ("response", "10.200.99.1"), ("num_response", "1"))).ShouldBe(n + 1);
    }
}
