using Retina.Testing.Prometheus;

namespace Retina.NodeRuntime.Tests.Dashboards;

/// <summary>One panel query and what Prometheus answered to it.</summary>
public sealed record DashboardQueryOutcome(DashboardQuery Query, PrometheusQueryResult Result)
{
    public bool HasData => Result.HasData;
}
