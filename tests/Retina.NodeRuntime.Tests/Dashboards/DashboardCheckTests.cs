using System.Globalization;
using Retina.Testing.Prometheus;

namespace Retina.NodeRuntime.Tests.Dashboards;

public sealed class DashboardCheckTests
{
    private static readonly DashboardVariables Variables = DashboardVariables.Default;

    [Fact]
    public async Task The_check_finds_exactly_the_panels_a_fixed_exposition_fills()
    {
        await using var exporter = ExpositionServer.Start("""
            # TYPE networkobservability_forward_count counter
            networkobservability_forward_count{direction="egress"} 120
            networkobservability_forward_count{direction="ingress"} 80
            # TYPE networkobservability_forward_bytes counter
            networkobservability_forward_bytes{direction="egress"} 12000
            networkobservability_forward_bytes{direction="ingress"} 8000
            # TYPE networkobservability_drop_count counter
            networkobservability_drop_count{reason="NO_SOCKET",direction="ingress"} 5
            # TYPE networkobservability_tcp_state gauge
            networkobservability_tcp_state{state="ESTABLISHED"} 3
            # TYPE networkobservability_dns_request_count counter
            networkobservability_dns_request_count{query_type="A",query="example.com."} 4
            # TYPE networkobservability_adv_forward_count counter
            networkobservability_adv_forward_count{direction="egress",source_ip="10.200.0.2",source_namespace="default",source_podname="client",destination_ip="10.200.0.3",destination_namespace="unknown",destination_podname="unknown"} 10

            """);
        await using var prometheus = await PrometheusServer.StartNewAsync(ScrapeTarget.For(exporter.MetricsUrl, Variables.ClusterLabel));

        // counters that do not move give rate 0: a series (drawn as zero) unless the panel keeps only "> 0"
        var expected = Keys(RetinaDashboardQueries.All.Where(q => q.Dashboard == RetinaDashboardQueries.Clusters && q.PanelId is
                156 or 123 or 130 or 141 or 145 or 120 or 146 or 147 or 148 or 149 or 150 or 119 or 143 or 142 or 144 or 125 or 64)
            .Concat(RetinaDashboardQueries.All.Where(q => q.Dashboard == RetinaDashboardQueries.PodTraffic && q.PanelId is 6 or 10 or 14 or 12))
            .Concat(RetinaDashboardQueries.All.Where(q => q.Dashboard == RetinaDashboardQueries.Dns && q.PanelId is 140)));

        // a scrape that times out on a loaded machine marks series stale for a moment: evaluate until the set settles
        var result = await DashboardCheck.RunUntilAsync(prometheus, RetinaDashboardQueries.All, r => Keys(r.WithData).SequenceEqual(expected), TimeSpan.FromSeconds(20));

        Keys(result.WithData).ShouldBe(expected, result.Report());
        result.Failed.ShouldBeEmpty();
        result.NoData.Count.ShouldBe(RetinaDashboardQueries.All.Count - 22);
        var report = result.Report();
        report.ShouldContain("Retina Clusters / Packets Dropped - Egress (#124) → no series");
        report.ShouldContain("Retina Clusters / Rx Cache Full error (#94) [needs NicDriverCounters] → no series");
        report.ShouldContain("""sum by (query_type) (rate(networkobservability_dns_request_count{cluster="retina-test", instance=~".*"}[1m])) > 0""");
        report.ShouldNotContain("Retina Clusters / Egress Bytes (#119)");
    }

    [Fact]
    public async Task Growing_counters_fill_the_panels_that_show_only_positive_rates()
    {
        var scrape = 0;
        await using var exporter = ExpositionServer.Start(() =>
        {
            var n = Interlocked.Increment(ref scrape);
            return string.Create(CultureInfo.InvariantCulture, $$"""
                networkobservability_drop_count{reason="NO_SOCKET",direction="ingress"} {{n}}
                networkobservability_dns_request_count{query_type="A",query="example.com."} {{2 * n}}
                networkobservability_dns_response_count{return_code="NoError",query_type="A",query="example.com.",response="10.200.0.9",num_response="1"} {{n}}

                """);
        });
        await using var prometheus = await PrometheusServer.StartNewAsync(ScrapeTarget.For(exporter.MetricsUrl, Variables.ClusterLabel));

        // half the requests go unanswered, so "DNS Missing Response" shows 50 %; no error codes, so "DNS Errors" stays empty
        var expected = Keys(RetinaDashboardQueries.All.Where(q => q.Dashboard == RetinaDashboardQueries.Clusters && q.PanelId is 130 or 125 or 88 or 132)
            .Concat(RetinaDashboardQueries.All.Where(q => q.Dashboard == RetinaDashboardQueries.Dns && q.PanelId is 135 or 136 or 137 or 139 or 140 or 144 or 143)));
        var result = await DashboardCheck.RunUntilAsync(prometheus, RetinaDashboardQueries.All, r => Keys(r.WithData).SequenceEqual(expected), TimeSpan.FromSeconds(20));

        Keys(result.WithData).ShouldBe(expected, result.Report());
        var missing = result.Outcomes.Single(o => o.Query.Dashboard == RetinaDashboardQueries.Dns && o.Query.PanelId == 137).Result.Series.ShouldHaveSingleItem();
        missing.Labels["query_type"].ShouldBe("A");
        missing.Value.ShouldBe(50, tolerance: 0.01);
    }

    [Fact]
    public async Task A_query_prometheus_refuses_is_reported_with_its_dashboard_panel_and_error()
    {
        await using var prometheus = await PrometheusServer.StartNewAsync();
        var broken = new DashboardQuery("Broken", 1, "Unclosed", "sum by (reason (rate(networkobservability_drop_count[1m]))");

        var result = await DashboardCheck.RunAsync(prometheus, [broken, RetinaDashboardQueries.All[0]]);

        var failed = result.Failed.ShouldHaveSingleItem();
        failed.Query.ShouldBe(broken);
        failed.Result.ErrorType.ShouldBe("bad_data");
        result.NoData.ShouldBe([broken, RetinaDashboardQueries.All[0]]);
        result.Report().ShouldContain("Broken / Unclosed (#1) → error bad_data: ");
        result.Report().ShouldContain("parse error");
    }

    private static string[] Keys(IEnumerable<DashboardQuery> queries) => [.. queries.Select(q => q.Key).Order(StringComparer.Ordinal)];
}
