using Prometheus;
using Retina.Kube.Leader;

namespace Retina.Kube.Hosting;

public sealed class ControllerRuntimeOptions
{
    /// <summary>When set, controllers run only in the process holding this lease.</summary>
    public LeaderElectionOptions? LeaderElection { get; set; }

    /// <summary>Where controller metrics are registered and exported from (default: prometheus-net's default registry).</summary>
    public CollectorRegistry Registry { get; set; } = Metrics.DefaultRegistry;
}
