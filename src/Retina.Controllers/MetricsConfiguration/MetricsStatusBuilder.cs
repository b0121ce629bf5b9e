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
        IReadOnlyList<NodeRuntimeObject> runtimes, DateTime now) =>
        Apply(status, config, report, [], runtimes, now);

    /// <summary>
    /// As <see cref="Apply(MetricsStatus, MetricsConfig, ValidationReport, IReadOnlyList{NodeRuntimeObject}, DateTime)"/>,
    /// with the label tokens that were ignored (<see cref="MetricsConfigurationValidator.Warnings"/>): they make the
    /// state Warning (Retina's value) and are named, each with its field path, in a LabelsIgnored condition.
    /// </summary>
    public static MetricsStatus Apply(MetricsStatus status, MetricsConfig config, ValidationReport report,
        IReadOnlyList<FieldError> ignored, IReadOnlyList<NodeRuntimeObject> runtimes, DateTime now, string? notAdmitted = null)
    {
        var generation = config.Metadata.Generation;
        status.Conditions ??= [];
        if (!report.IsValid || notAdmitted is not null)
        {
            var message = report.IsValid ? notAdmitted! : report.Summary();
            status.State = MetricsState.Errored;
            status.Reason = message;
            Conditions.Set(status.Conditions, MetricsState.ConditionAccepted, ConditionStatus.False,
                report.IsValid ? MetricsState.ReasonSourcesCapReached : MetricsState.ReasonInvalidSpec, message, generation, now);
            Conditions.Remove(status.Conditions, MetricsState.ConditionApplied);
            Conditions.Remove(status.Conditions, MetricsState.ConditionLabelsIgnored);
            Conditions.Remove(status.Conditions, MetricsState.ConditionNodesListTruncated);
            HealthConditions.Failed(status.Conditions, report.IsValid ? MetricsState.ReasonSourcesCapReached : MetricsState.ReasonInvalidSpec, message, generation, now);
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
        status.Nodes = nodes.Count > MetricsStatus.MaxNodes ? nodes.Take(MetricsStatus.MaxNodes).ToList() : nodes;
        status.NodesReady = $"{ready}/{nodes.Count}";
        if (nodes.Count > MetricsStatus.MaxNodes)
        {
            Conditions.Set(status.Conditions, MetricsState.ConditionNodesListTruncated, ConditionStatus.True, MetricsState.ReasonNodesListTruncated,
                $"status.nodes lists the first {MetricsStatus.MaxNodes} of {nodes.Count} nodes by name (its schema cap); nodesReady counts all {nodes.Count}",
                generation, now);
        }
        else
        {
            Conditions.Remove(status.Conditions, MetricsState.ConditionNodesListTruncated);
        }

        var pending = nodes.Where(n => n.AppliedGeneration != generation).Select(n => n.Node).Take(5).ToList();
        var applied = ready == nodes.Count
            ? $"all {nodes.Count} node(s) run generation {generation}"
            : $"{ready}/{nodes.Count} node(s) run generation {generation}; waiting for {string.Join(", ", pending)}{(nodes.Count - ready > pending.Count ? ", …" : "")}";
        Conditions.Set(status.Conditions, MetricsState.ConditionApplied,
            ready == nodes.Count ? ConditionStatus.True : ConditionStatus.False,
            ready == nodes.Count ? MetricsState.ReasonAllNodesApplied : MetricsState.ReasonNodesPending,
            applied, generation, now);
        if (ready == nodes.Count)
        {
            HealthConditions.Current(status.Conditions, MetricsState.ReasonAllNodesApplied, applied, generation, now);
        }
        else
        {
            HealthConditions.InProgress(status.Conditions, MetricsState.ReasonNodesPending, applied, generation, now);
        }

        AnnotationsCondition(status, name, runtimes, generation, now);
        var reasons = new List<string>();
        if (ignored.Count > 0)
        {
            var unknown = ignored.Any(w => w.Message.StartsWith("unknown", StringComparison.Ordinal));
            Conditions.Set(status.Conditions, MetricsState.ConditionLabelsIgnored, ConditionStatus.True,
                unknown ? MetricsState.ReasonUnknownLabelIgnored : MetricsState.ReasonRepeatedLabelIgnored,
                Summary(ignored), generation, now);
            reasons.Add(unknown ? "unknown label token(s) ignored" : "repeated label token(s) ignored");
        }
        else
        {
            Conditions.Remove(status.Conditions, MetricsState.ConditionLabelsIgnored);
        }

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
            reasons.Add("series cap reached");
        }
        else
        {
            Conditions.Remove(status.Conditions, MetricsState.ConditionCardinalityWarning);
        }

        status.State = reasons.Count > 0 ? MetricsState.Warning : MetricsState.Accepted;
        status.Reason = reasons.Count > 0 ? string.Join("; ", reasons) + (ignored.Count > 0 ? ": " + Summary(ignored) : "") : "";
        return status;
    }

    /// <summary>Where the nodes merge this configuration with the <c>retina.sh: observe</c> annotation's set, says so and how.</summary>
    private static void AnnotationsCondition(MetricsStatus status, string name, IReadOnlyList<NodeRuntimeObject> runtimes, long? generation, DateTime now)
    {
        var both = runtimes.Count(r => r.Spec.Metrics?.Sources is { } s && s.Any(x => x.Name == name) && s.Any(x => x.Name == ObserveAnnotation.SourceName));
        if (both == 0)
        {
            Conditions.Remove(status.Conditions!, MetricsState.ConditionMergedWithAnnotations);
            return;
        }

        Conditions.Set(status.Conditions!, MetricsState.ConditionMergedWithAnnotations, ConditionStatus.True, MetricsState.ReasonObserveAnnotation,
            $"on {both} node(s) this configuration is merged with the retina.sh: observe annotation's metric set: each metric's labels are the union, its ttl the longest, and annotated pods and namespaces are reported besides this configuration's namespaces (NodeRuntime spec.metrics.observed)",
            generation, now);
    }

    /// <summary>Every ignored token with its path, bounded so the message stays readable.</summary>
    private static string Summary(IReadOnlyList<FieldError> ignored, int max = 20)
    {
        var shown = string.Join("; ", ignored.Take(max));
        return ignored.Count > max ? $"{shown}; and {ignored.Count - max} more" : shown;
    }
}
