using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.NodeRuntime;

/// <summary>What the node must run: plugins, metric shaping, captures and traces.</summary>
public sealed class NodeRuntimeSpec
{
    /// <summary>Schema cap on <see cref="Captures"/>: a Capture that finds its node full waits (status Pending, condition Queued) until an entry frees.</summary>
    public const int MaxCaptures = 256;

    /// <summary>Schema cap on <see cref="Traces"/>: a TraceSession that finds its node full waits (node Pending) until an entry frees.</summary>
    public const int MaxTraces = 256;

    /// <summary>Plugins to run, with their settings.</summary>
    [MaxItems(32)]
    [JsonPropertyName("plugins")]
    public List<NodePluginSpec>? Plugins { get; set; }

    /// <summary>The merged MetricsConfigurations (pod-level metrics).</summary>
    [JsonPropertyName("metrics")]
    public NodeMetricsSpec? Metrics { get; set; }

    /// <summary>Captures assigned to this node.</summary>
    [MaxItems(MaxCaptures)]
    [JsonPropertyName("captures")]
    public List<NodeCaptureAssignment>? Captures { get; set; }

    /// <summary>TraceSessions assigned to this node.</summary>
    [MaxItems(MaxTraces)]
    [JsonPropertyName("traces")]
    public List<NodeTraceAssignment>? Traces { get; set; }

    /// <summary>Thresholds armed CapturePolicies ask this node to evaluate (status.triggers reports breaches).</summary>
    [MaxItems(64)]
    [JsonPropertyName("triggers")]
    public List<NodeTriggerSpec>? Triggers { get; set; }

    /// <summary>The flight recorder armed CapturePolicies ask for (absent: off).</summary>
    [JsonPropertyName("flightRecorder")]
    public NodeFlightRecorderSpec? FlightRecorder { get; set; }
}
