namespace Retina.NodeRuntime.Tests.Dashboards;

/// <summary>
/// Values for the dashboards' Grafana template variables. The defaults select everything, as a user who picks "All"
/// does; a test can narrow them to the node or pod it modelled.
/// </summary>
public sealed record DashboardVariables
{
    public static DashboardVariables Default { get; } = new();

    /// <summary>
    /// <c>$__rate_interval</c>: Grafana makes it at least four scrape intervals; 1m holds ~300 samples at the test's
    /// 200 ms scrape interval and is what a 15 s production scrape would give.
    /// </summary>
    public string RateInterval { get; init; } = "1m";

    /// <summary>
    /// <c>$cluster</c>: single-valued and matched exactly (<c>cluster="…"</c>), so it must be a real value; scrape the
    /// node with this as a target label (<see cref="ClusterLabel"/>), as a real scrape config adds it.
    /// </summary>
    public string Cluster { get; init; } = "retina-test";

    /// <summary><c>$Nodes</c> (matched with <c>=~</c> against <c>instance</c>): "All", which Grafana sends as a match-all regex.</summary>
    public string Nodes { get; init; } = ".*";

    /// <summary><c>$pod</c> (matched with <c>=~</c> against source/destination pod names): "All".</summary>
    public string Pod { get; init; } = ".*";

    /// <summary>The target label that makes the node's series carry <see cref="Cluster"/>.</summary>
    public (string Name, string Value) ClusterLabel => ("cluster", Cluster);
}
