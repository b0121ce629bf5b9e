using System.Text.RegularExpressions;
using Retina.Testing.Repo;

namespace Retina.NodeRuntime.Tests.Metrics;

/// <summary>Grafana is not available here: instead every metric our dashboards and alert rules query must be one we export.</summary>
public sealed partial class DashboardMetricsTests
{
    public static TheoryData<string> QueryFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepoPaths.Combine("kustomize", "components"), "*.*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal))
                     .Where(f => MetricName().IsMatch(File.ReadAllText(f)))
                     .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(QueryFiles))]
    public async Task Every_metric_a_dashboard_or_alert_queries_is_exported(string file)
    {
        // histograms' _bucket series, pod-level adv_* and their health counters included (Dashboards/ExportedMetricNames)
        var exported = await Dashboards.ExportedMetricNames.ReadAsync();

        var queried = MetricName().Matches(await File.ReadAllTextAsync(RepoPaths.Combine(file))).Select(m => m.Value).ToHashSet();
        queried.ShouldNotBeEmpty();
        queried.Where(q => !exported.Contains(q)).ShouldBeEmpty($"{file} queries metrics the node runtime does not export");
    }

    [GeneratedRegex(@"\b(controlplane_)?networkobservability_[a-z_]+[a-z]\b")]
    private static partial Regex MetricName();
}
