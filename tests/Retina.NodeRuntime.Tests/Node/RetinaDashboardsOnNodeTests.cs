using Retina.NodeRuntime.Tests.Dashboards;
using Retina.Testing.Kernel;
using Retina.Testing.Prometheus;

namespace Retina.NodeRuntime.Tests.Node;

/// <summary>Retina's published dashboards, evaluated by a real Prometheus scraping a real node runtime on a modelled node.</summary>
public sealed class RetinaDashboardsOnNodeTests
{
    [KernelFact]
    public async Task Every_panel_a_linux_node_can_fill_returns_data_from_a_busy_node()
    {
        await using var bed = await NodeBed.StartAsync("ndg", probeApiServer: true);
        await using var traffic = await NodeTraffic.StartAsync(bed);
        await using var prometheus = await PrometheusServer.StartNewAsync(
            ScrapeTarget.For(new Uri(bed.Exporter.BoundAddress!, "/metrics"), DashboardVariables.Default.ClusterLabel));

        var result = await DashboardCheck.RunUntilAsync(prometheus, RetinaDashboardQueries.All, r => r.NoDataProducibleOnLinux.Count == 0, TimeSpan.FromSeconds(45));

        result.Failed.ShouldBeEmpty(result.Report(result.Failed.Select(f => f.Query)));
        result.NoDataProducibleOnLinux.ShouldBeEmpty(result.Report(result.NoDataProducibleOnLinux) + $"\n(after {traffic.Rounds} rounds of traffic; {traffic.Failure})");
    }
}
