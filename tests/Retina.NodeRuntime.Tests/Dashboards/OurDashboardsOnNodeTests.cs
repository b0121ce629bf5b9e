using System.Text.RegularExpressions;
using Retina.NodeRuntime.Tests.Node;
using Retina.Testing.Kernel;
using Retina.Testing.Prometheus;

namespace Retina.NodeRuntime.Tests.Dashboards;

/// <summary>Our own dashboards, evaluated by a real Prometheus scraping a real node runtime on a modelled, busy node.</summary>
public sealed partial class OurDashboardsOnNodeTests
{
    /// <summary>The controllers' dashboard: the bed runs no controllers.</summary>
    private const string ControllersDashboard = "retina-net-work.json";

    /// <summary>
    /// Panels a healthy node cannot fill: they show faults (events lost, plugins not Running or failing, the series
    /// cap, series expired by their ttl) or the scrape's job label, which this test's Prometheus names differently.
    /// </summary>
    private static readonly HashSet<string> OnlyOnFaultsOrInACluster = new(StringComparer.Ordinal)
    {
        "retina-net-self.json / Lost events by type and reason",
        "retina-net-self.json / Plugins not Running",
        "retina-net-self.json / Plugin start/degrade failures",
        "retina-net-self.json / Samples refused by the series cap",
        "retina-net-self.json / Expired pod-level series",
        "retina-net-self.json / Node runtimes up",
        "retina-overview.json / Lost events (node runtime)",
    };

    [KernelFact]
    public async Task Every_query_of_our_dashboards_runs_and_every_node_panel_fills_from_a_busy_node()
    {
        await using var bed = await NodeBed.StartAsync("odg", probeApiServer: true);
        await using var traffic = await NodeTraffic.StartAsync(bed);
        await using var prometheus = await PrometheusServer.StartNewAsync(ScrapeTarget.For(new Uri(bed.Exporter.BoundAddress!, "/metrics")));
        var queries = ShippedQueries.Dashboards().Select(ToDashboardQuery).ToList();
        var wanted = queries.Where(q => q.Dashboard != ControllersDashboard && !OnlyOnFaultsOrInACluster.Contains($"{q.Dashboard} / {q.Panel}")).ToList();
        OnlyOnFaultsOrInACluster.Except(queries.Select(q => $"{q.Dashboard} / {q.Panel}")).ShouldBeEmpty("panels named here are no longer in the dashboards");

        var result = await DashboardCheck.RunUntilAsync(prometheus, queries, r => wanted.All(r.WithData.Contains), TimeSpan.FromSeconds(45));

        result.Failed.ShouldBeEmpty(result.Report(result.Failed.Select(f => f.Query)));
        wanted.Where(q => !result.WithData.Contains(q)).ShouldBeEmpty(result.Report(wanted) + $"\n(after {traffic.Rounds} rounds of traffic; {traffic.Failure})");
    }

    private static DashboardQuery ToDashboardQuery(ShippedQuery q)
    {
        var m = Source().Match(q.Source);
        return new DashboardQuery(m.Groups["file"].Value, m.Groups["id"].Success ? int.Parse(m.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0,
            m.Groups["title"].Value, q.Substituted);
    }

    [GeneratedRegex(@"^(?<file>[^ ]+) / (?<title>.*?)(?: \(#(?<id>\d+)\))?$")]
    private static partial Regex Source();
}
