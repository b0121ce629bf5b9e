using Retina.NodeRuntime.AdvancedMetrics;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Plugins.PacketParser;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;
using static Retina.NodeRuntime.Tests.AdvancedMetrics.AdvancedMetricsSpecs;

namespace Retina.NodeRuntime.Tests.PacketParser;

public sealed class LocalNamespacesTests
{
    [KernelFact]
    public async Task Without_an_API_server_the_hosts_network_namespaces_get_pod_level_metrics()
    {
        await using var net = await PodNetwork.CreateAsync("ppl", 2);
        var state = Directory.CreateTempSubdirectory("retina-pplocal-").FullName;
        var metrics = new NodeMetrics();
        var cache = new EnrichmentCache("laptop");
        await using var source = new NetnsPodSource(cache);
        await source.ScanAsync();
        using var pod = new PodLevelMetrics(metrics, cache);
        pod.Apply(Spec(["local"], Option("forward_count", ["podname"], ["podname"], ["direction"])));
        try
        {
            await using var host = new PluginHost(new PluginHostOptions { NetworkNamespace = net.Node, StateDirectory = state }, metrics);
            await host.ApplyAsync([new PluginRequest(PacketParserPlugin.PluginName, new Dictionary<string, string> { ["podInterfacePrefixes"] = net.InterfacePrefix, ["reportInterval"] = "300ms" })], CancellationToken.None);
            var (a, b) = (net.Pods[0], net.Pods[1]);
            using var sa = await NsUdp.BindAsync(a.Namespace, a.Address, 7005);
            using var sb = await NsUdp.BindAsync(b.Namespace, b.Address, 7005);

            NsUdp.Send(sa, b.Address, 7005, 6);

            await Retina.Testing.Waiting.Until.TrueAsync(
                async () => AdvancedMetrics.SeriesLines.Sum(await metrics.ScrapeAsync(), "networkobservability_adv_forward_count",
                    ("source_podname", a.Namespace), ("destination_podname", b.Namespace), ("direction", "ingress")) == 6,
                "the namespaces' traffic is named after them");
        }
        finally
        {
            Directory.Delete(state, true);
        }
    }
}
