using System.Text;

namespace Retina.NodeRuntime.Tests.Dashboards;

/// <summary>Which panels would draw something and which would stay empty, with a report naming each empty panel.</summary>
public sealed class DashboardCheckResult(IReadOnlyList<DashboardQueryOutcome> outcomes)
{
    public IReadOnlyList<DashboardQueryOutcome> Outcomes { get; } = outcomes;

    public IReadOnlyList<DashboardQuery> WithData => [.. Outcomes.Where(o => o.HasData).Select(o => o.Query)];

    /// <summary>Queries that returned no series, including those Prometheus refused: on a dashboard, empty panels.</summary>
    public IReadOnlyList<DashboardQuery> NoData => [.. Outcomes.Where(o => !o.HasData).Select(o => o.Query)];

    /// <summary>Queries Prometheus refused (parse or evaluation error), with its message.</summary>
    public IReadOnlyList<DashboardQueryOutcome> Failed => [.. Outcomes.Where(o => o.Result.IsError)];

    /// <summary>Empty panels a Linux node should have filled (not the NIC-driver or Windows ones).</summary>
    public IReadOnlyList<DashboardQuery> NoDataProducibleOnLinux => [.. NoData.Where(q => q.ProducibleOnLinuxNode)];

    /// <summary>The empty panels of <paramref name="among"/> (all when null), one block each: dashboard / panel (#id), why, query.</summary>
    public string Report(IEnumerable<DashboardQuery>? among = null)
    {
        var wanted = among?.ToHashSet();
        var empty = Outcomes.Where(o => !o.HasData && (wanted is null || wanted.Contains(o.Query))).ToArray();
        var b = new StringBuilder();
        b.Append(empty.Length).Append(" of ").Append(wanted?.Count ?? Outcomes.Count).AppendLine(" dashboard queries returned no data:");
        foreach (var o in empty)
        {
            b.Append("  ").Append(o.Query.Key);
            if (o.Query.Needs != PanelNeeds.LinuxNode)
            {
                b.Append(" [needs ").Append(o.Query.Needs).Append(']');
            }

            b.AppendLine(o.Result.IsError ? $" → error {o.Result.ErrorType}: {o.Result.Error}" : " → no series");
            foreach (var line in o.Query.PromQl.Split('\n'))
            {
                b.Append("      ").AppendLine(line.TrimEnd());
            }
        }

        return b.ToString();
    }

    public override string ToString() => Report();
}
