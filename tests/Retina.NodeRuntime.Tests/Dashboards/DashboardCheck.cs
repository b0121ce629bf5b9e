using Retina.Testing.Prometheus;
using Retina.Testing.Waiting;

namespace Retina.NodeRuntime.Tests.Dashboards;

/// <summary>
/// Lets a real Prometheus judge our metrics the way Retina's dashboards use them: every panel query is evaluated as an
/// instant query (what a stat or table panel sends, and the newest point of a graph) and is empty when it returns no series.
/// </summary>
/// <example>
/// <code>
/// await using var prometheus = await PrometheusServer.StartNewAsync(
///     ScrapeTarget.For(new Uri(exporter.BoundAddress!, "/metrics"), DashboardVariables.Default.ClusterLabel));
/// // … generate traffic …
/// var result = await DashboardCheck.RunUntilAsync(prometheus, RetinaDashboardQueries.All, r => r.NoDataProducibleOnLinux.Count == 0);
/// result.NoDataProducibleOnLinux.ShouldBeEmpty(result.Report(result.NoDataProducibleOnLinux));
/// </code>
/// </example>
public static class DashboardCheck
{
    /// <summary>
    /// Evaluates each query once, after every target has been scraped twice (rate() and irate() need two samples; with
    /// fewer, a panel is empty although the metric is there).
    /// </summary>
    public static async Task<DashboardCheckResult> RunAsync(PrometheusServer prometheus, IEnumerable<DashboardQuery> queries, CancellationToken ct = default)
    {
        if (prometheus.Targets.Count > 0)
        {
            await prometheus.WaitForScrapesAsync(2, ct);
        }

        var outcomes = new List<DashboardQueryOutcome>();
        foreach (var q in queries)
        {
            outcomes.Add(new DashboardQueryOutcome(q, await prometheus.QueryAsync(q.PromQl, ct: ct)));
        }

        return new DashboardCheckResult(outcomes);
    }

    /// <summary>
    /// Re-runs the check until <paramref name="done"/> accepts the result or the timeout passes, and returns the last
    /// result either way, so the caller asserts on it and a failure prints the report of the panels still empty.
    /// </summary>
    public static async Task<DashboardCheckResult> RunUntilAsync(
        PrometheusServer prometheus, IEnumerable<DashboardQuery> queries, Func<DashboardCheckResult, bool> done, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var list = queries.ToArray();
        DashboardCheckResult? last = null;
        await Until.TryAsync(async () => done(last = await RunAsync(prometheus, list, ct)), timeout);
        return last ?? await RunAsync(prometheus, list, ct);
    }
}
