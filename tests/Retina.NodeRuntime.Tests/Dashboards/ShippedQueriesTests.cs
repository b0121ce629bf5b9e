using Retina.Testing.Prometheus;

namespace Retina.NodeRuntime.Tests.Dashboards;

public sealed class ShippedQueriesTests
{
    /// <summary>
    /// Series other programs export that our rules use on purpose: <c>up</c> (Prometheus, per scrape target) and
    /// kube-state-metrics' container restarts (what Prometheus can see of a node runtime whose heartbeats stopped).
    /// </summary>
    private static readonly HashSet<string> External = new(StringComparer.Ordinal) { "up", "kube_pod_container_status_restarts_total" };

    public static TheoryData<string> Kinds() => new("dashboards", "alert rules");

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Every_metric_our_dashboards_and_alert_rules_query_is_exported_by_the_runtime_or_the_controllers(string kind)
    {
        var exported = await ExportedMetricNames.ReadAsync();
        var queries = kind == "dashboards" ? ShippedQueries.Dashboards() : ShippedQueries.AlertRules();
        queries.ShouldNotBeEmpty();

        var unknown = queries.SelectMany(q => q.MetricNames.Where(n => !exported.Contains(n) && !External.Contains(n)).Select(n => $"{q.Source}: {n}")).ToList();

        unknown.ShouldBeEmpty($"not exported by NodeMetrics, PodLevelMetrics or ControllerMetrics:\n{string.Join("\n", unknown)}");
        queries.ShouldAllBe(q => q.MetricNames.Count > 0, "a query that selects no metric is a broken extraction or a broken query");
    }

    [Fact]
    public async Task Every_name_the_rule_and_dashboard_check_relies_on_is_really_exported()
    {
        // the check above is only as good as the exported list: it must hold the families we know are there
        var exported = await ExportedMetricNames.ReadAsync();

        exported.ShouldContain("networkobservability_drop_count");
        exported.ShouldContain("networkobservability_node_apiserver_latency_bucket");
        exported.ShouldContain("networkobservability_adv_dns_response_count");
        exported.ShouldContain("controlplane_networkobservability_adv_series_overflow_total");
        exported.ShouldContain("controlplane_networkobservability_expired_series_total");
        exported.ShouldContain("controlplane_networkobservability_adv_series");
        exported.ShouldContain("retina_controller_reconcile_duration_seconds_bucket");
        exported.ShouldNotContain("networkobservability_lost_events_counter");
    }

    [Fact]
    public void The_metric_name_reader_skips_functions_labels_ranges_grouping_and_variables()
    {
        PromQlNames.Of("""sum by (instance, le) (rate(a_bucket{instance=~"$node", x="y{z}"}[$__rate_interval])) / on() group_left(foo) b offset 5m > 1e3 and bool c""")
            .ShouldBe(["a_bucket", "b", "c"], ignoreOrder: true);
        PromQlNames.Of("""(sum(retina_controller_leader{job="retina-controllers"}) or on() vector(0)) == 0""").ShouldBe(["retina_controller_leader"]);
    }

    [Fact]
    public async Task Every_dashboard_and_rule_query_is_accepted_by_a_real_prometheus()
    {
        await using var prometheus = await PrometheusServer.StartNewAsync();

        var refused = new List<string>();
        foreach (var q in ShippedQueries.Dashboards().Concat(ShippedQueries.AlertRules()))
        {
            var answer = await prometheus.QueryAsync(q.Substituted);
            if (answer.IsError)
            {
                refused.Add($"{q.Source}: {answer.ErrorType}: {answer.Error}\n    {q.Substituted}");
            }
        }

        refused.ShouldBeEmpty(string.Join("\n", refused));
    }
}
