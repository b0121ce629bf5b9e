using Retina.Testing.Prometheus;

namespace Retina.NodeRuntime.Tests.Dashboards;

public sealed class RetinaDashboardQueriesTests
{
    [Fact]
    public async Task Every_dashboard_query_is_accepted_by_a_real_prometheus()
    {
        await using var prometheus = await PrometheusServer.StartNewAsync();

        var refused = new List<string>();
        foreach (var q in RetinaDashboardQueries.All)
        {
            var answer = await prometheus.QueryAsync(q.PromQl);
            if (answer.IsError)
            {
                refused.Add($"{q.Key}: {answer.ErrorType}: {answer.Error}\n    {q.PromQl}");
            }
        }

        refused.ShouldBeEmpty(string.Join("\n", refused));
    }

    [Fact]
    public void Every_panel_of_the_three_dashboards_is_listed_once()
    {
        var all = RetinaDashboardQueries.All;

        all.Select(q => q.Key).ShouldBeUnique();
        all.Count(q => q.Dashboard == RetinaDashboardQueries.Clusters).ShouldBe(41);
        all.Count(q => q.Dashboard == RetinaDashboardQueries.PodTraffic).ShouldBe(11);
        all.Count(q => q.Dashboard == RetinaDashboardQueries.Dns).ShouldBe(8);
        all.ShouldAllBe(q => !q.PromQl.Contains('$') || q.PromQl.Contains("\"$1\""), "a template variable was left unsubstituted");
    }

    [Fact]
    public void Variables_narrow_the_queries_to_the_chosen_cluster_node_and_pod()
    {
        var v = new DashboardVariables { Cluster = "blue", Nodes = "10.0.0.4:10093", Pod = "client", RateInterval = "30s" };

        var queries = RetinaDashboardQueries.For(v);

        queries.Single(q => q.PanelId == 124).PromQl
            .ShouldBe("""sum(rate(networkobservability_drop_count{direction="egress", cluster="blue", instance=~"10.0.0.4:10093"}[30s]))""");
        queries.Single(q => q.PanelId == 6).PromQl.ShouldContain("""source_podname=~"client" """.TrimEnd());
        queries.Where(q => q.Dashboard == RetinaDashboardQueries.Dns).ShouldAllBe(q => q.PromQl.Contains("cluster=\"blue\""));
    }
}
