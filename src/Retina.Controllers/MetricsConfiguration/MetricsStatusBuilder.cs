using Retina.Api.Common;
using Retina.Api.MetricsConfiguration;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;
using MetricsConfig = Retina.Api.MetricsConfiguration.MetricsConfiguration;

namespace Retina.Controllers.MetricsConfiguration;

/// <summary>Computes a MetricsConfiguration's status from its validation and what the nodes report. Pure.</summary>
public static class MetricsStatusBuilder
{
    /// <summary>Applies the desired status onto <paramref name="status"/>; returns it for chaining.</summary>
    public static MetricsStatus Apply(MetricsStatus status, MetricsConfig config, ValidationReport report,
        IReadOnlyList<NodeRuntimeObject> runtimes, DateTime now)
    {
        var generation = config.Metadata.Generation;
        status.Conditions ??= [];
        if (!report.IsValid)
        {
            status.State = MetricsState.Errored;
            status.Reason = report.Summary();
            Conditions.Set(status.Conditions, MetricsState.ConditionAccepted, ConditionStatus.False, MetricsState.ReasonInvalidSpec, report.Summary(), generation, now);
            Conditions.Remove(status.Conditions, MetricsState.ConditionApplied);
            status.NodesReady = null;
            status.Nodes = null;
            return status;
        }

        Conditions.Set(status.Conditions, MetricsState.ConditionAccepted, ConditionStatus.True, MetricsState.ReasonValid,
            $"{config.Spec.ContextOptions.Count} metric(s) accepted", generation, now);
        status.LastKnownSpec = config.Spec;

        var name = config.Metadata.Name;
        var nodes = runtimes.OrderBy(r => r.Metadata.Name, StringComparer.Ordinal).Select(r => new MetricsNodeStatus
        {
            Node = r.Metadata.Name,
            AppliedGeneration = r.Status?.AppliedMetrics?.FirstOrDefault(s => s.Name == name)?.Generation,
        }).ToList();
        var ready = nodes.Count(n => n.AppliedGeneration == generation);
        status.Nodes = nodes;
        status.NodesReady = $"{ready}/{nodes.Count}";
        var pending = nodes.Where(n => n.AppliedGeneration != generation).Select(n => n.Node).Take(5).ToList();
        Conditions.Set(status.Conditions, MetricsState.ConditionApplied,
            ready == nodes.Count ? ConditionStatus.True : ConditionStatus.False,
            ready == nodes.Count ? MetricsState.ReasonAllNodesApplied : MetricsState.ReasonNodesPending,
            ready == nodes.Count
                ? $"all {nodes.Count} node(s) run generation {generation}"
                : $"{ready}/{nodes.Count} node(s) run generation {generation}; waiting for {string.Join(", ", pending)}{(nodes.Count - ready > pending.Count ? ", …" : "")}",
            generation, now);

        var metrics = config.Spec.ContextOptions.Select(o => o.MetricName).ToHashSet(StringComparer.Ordinal);
        var capped = runtimes
            .SelectMany(r => (r.Status?.CappedMetrics ?? []).Select(c => (Node: r.Metadata.Name, Entry: c)))
            .Where(c => metrics.Contains(c.Entry.Split('=')[0]))
            .ToList();
        if (capped.Count > 0)
        {
            var first = capped[0].Entry.Split('=');
            var cap = first.Length > 1 ? first[1] : "?";
            Conditions.Set(status.Conditions, MetricsState.ConditionCardinalityWarning, ConditionStatus.True, MetricsState.ReasonSeriesCapReached,
                $"metric {first[0]} reached its cap of {cap} series on {capped.Select(c => c.Node).Distinct().Count()} node(s) (e.g. {capped[0].Node}); new series go to the overflow counter",
                generation, now);
            status.State = MetricsState.Warning;
            status.Reason = "series cap reached";
        }
        else
        {
            Conditions.Remove(status.Conditions, MetricsState.ConditionCardinalityWarning);
            status.State = MetricsState.Accepted;
            status.Reason = "";
        }

        return status;
    }
}
