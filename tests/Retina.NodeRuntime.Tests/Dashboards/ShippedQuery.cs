namespace Retina.NodeRuntime.Tests.Dashboards;

/// <summary>One PromQL expression we ship: a dashboard panel target, a dashboard variable's query, or an alert rule.</summary>
/// <param name="Source">e.g. "retina-net-drops.json / Dropped packets by reason (#1)" or "alert RetinaLostEvents".</param>
/// <param name="PromQl">The expression with Grafana's variables as written (<c>$node</c>, <c>$__rate_interval</c>).</param>
/// <param name="MetricNames">The metrics it selects.</param>
public sealed record ShippedQuery(string Source, string PromQl, IReadOnlySet<string> MetricNames)
{
    /// <summary>The expression as Grafana sends it with every variable at "All" and a 1m rate interval.</summary>
    public string Substituted => PromQl.Replace("$__rate_interval", "1m", StringComparison.Ordinal)
        .Replace("$node", ".*", StringComparison.Ordinal).Replace("$reason", ".*", StringComparison.Ordinal)
        .Replace("$namespace", ".*", StringComparison.Ordinal).Replace("$controller", ".*", StringComparison.Ordinal);

    public override string ToString() => $"{Source}: {PromQl}";
}
