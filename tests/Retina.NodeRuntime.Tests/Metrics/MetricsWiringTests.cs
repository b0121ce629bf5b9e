using Retina.Testing.Waiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.Testing.Kernel;

namespace Retina.NodeRuntime.Tests.Metrics;

public sealed class MetricsWiringTests
{
    [KernelFact]
    public async Task A_host_built_with_the_extensions_serves_plugin_metrics_and_detaches_on_shutdown()
    {
        var builder = Host.CreateApplicationBuilder();
        var state = Directory.CreateTempSubdirectory("retina-plugins-").FullName;
        builder.Services.AddRetinaMetricsExporter(o => o.Address = "127.0.0.1:0");
        builder.Services.AddRetinaPlugins(o => o.StateDirectory = state);
        IReadOnlyList<uint> ids;
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var plugins = host.Services.GetRequiredService<PluginHost>();
            await plugins.ApplyAsync([new PluginRequest("linuxutil"), new PluginRequest("dropreason")], CancellationToken.None);
            plugins.Current.Single(s => s.Name == "dropreason").State.ShouldBe(PluginPhase.Running);
            ids = plugins.ProgramIds;
            ids.Count.ShouldBe(1);

            var exporter = host.Services.GetRequiredService<MetricsExporter>();
            using var http = new HttpClient();
            var text = await http.GetStringAsync(new Uri(exporter.BoundAddress!, "/metrics"));
            MetricsText.Value(text, "networkobservability_udp_connection_stats", ("statistic_name", "InDatagrams")).ShouldBeGreaterThanOrEqualTo(0);
            text.ShouldContain("controlplane_networkobservability_plugin_state{plugin=\"dropreason\",state=\"Running\",hook=\"tracepoint skb:kfree_skb\"} 1");
            await host.StopAsync();
        }

        // The kernel frees a closed program after an RCU grace period: wait for it, a leak still fails here.
        await Until.TrueAsync(() => !Retina.Native.Libbpf.BpfInventory.Programs().Any(p => ids.Contains(p.Id)), "the kernel released our programs");
    }
}
