namespace Retina.Api.MetricsConfiguration;

/// <summary>Retina's MetricsConfiguration states, condition types and reasons.</summary>
public static class MetricsState
{
    public const string Initialized = "Initialized";
    public const string Accepted = "Accepted";
    public const string Errored = "Errored";
    public const string Warning = "Warning";

    public const string ConditionAccepted = "Accepted";
    public const string ConditionApplied = "Applied";
    public const string ConditionCardinalityWarning = "CardinalityWarning";
    public const string ConditionLabelsIgnored = "LabelsIgnored";
    public const string ConditionNodesListTruncated = "NodesListTruncated";

    /// <summary>True while nodes merge this configuration with the metric set of the <c>retina.sh: observe</c> annotation.</summary>
    public const string ConditionMergedWithAnnotations = "MergedWithAnnotations";

    public const string ReasonObserveAnnotation = "ObserveAnnotation";

    public const string ReasonValid = "Valid";
    public const string ReasonInvalidSpec = "InvalidSpec";
    public const string ReasonConflict = "ConflictsWithOtherConfiguration";
    public const string ReasonAllNodesApplied = "AllNodesApplied";
    public const string ReasonNodesPending = "NodesPending";
    public const string ReasonSeriesCapReached = "SeriesCapReached";
    public const string ReasonUnknownLabelIgnored = "UnknownLabelIgnored";
    public const string ReasonRepeatedLabelIgnored = "RepeatedLabelIgnored";
    public const string ReasonAllLabelsKnown = "AllLabelsKnown";
    public const string ReasonNodesListTruncated = "NodesListTruncated";
    public const string ReasonSourcesCapReached = "SourcesCapReached";
}
