using System.Text.Json.Serialization;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.NodeRuntime;

/// <summary>What the node runs, reported by its runtime with a heartbeat.</summary>
public sealed class NodeRuntimeStatus : IResourceStatus
{
    /// <summary>The spec generation the runtime has converged to.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Ready and Degraded conditions.</summary>
    [MaxItems(16)]
    [JsonPropertyName("conditions")]
    public List<Condition>? Conditions { get; set; }

    /// <summary>Last time the runtime reported.</summary>
    [JsonPropertyName("heartbeatTime")]
    public DateTime? HeartbeatTime { get; set; }

    /// <summary>Kernel release of the node.</summary>
    [JsonPropertyName("kernelVersion")]
    public string? KernelVersion { get; set; }

    /// <summary>Version of the node runtime that reports (its build's informational version).</summary>
    [JsonPropertyName("runtimeVersion")]
    public string? RuntimeVersion { get; set; }

    /// <summary>Plugins running out of plugins requested, e.g. 5/5.</summary>
    [JsonPropertyName("pluginSummary")]
    public string? PluginSummary { get; set; }

    /// <summary>Captures running now.</summary>
    [JsonPropertyName("activeCaptures")]
    public int? ActiveCaptures { get; set; }

    /// <summary>Per plugin: state and the hook in use, or why it is degraded.</summary>
    [MaxItems(32)]
    [JsonPropertyName("plugins")]
    public List<NodePluginStatus>? Plugins { get; set; }

    /// <summary>Per assigned capture: phase and counters.</summary>
    [MaxItems(256)]
    [JsonPropertyName("captures")]
    public List<NodeWorkStatus>? Captures { get; set; }

    /// <summary>Per assigned trace: phase, counters and this node's share of the summaries.</summary>
    [MaxItems(256)]
    [JsonPropertyName("traces")]
    public List<NodeTraceStatus>? Traces { get; set; }

    /// <summary>The MetricsConfiguration sources the runtime applied.</summary>
    [MaxItems(256)]
    [JsonPropertyName("appliedMetrics")]
    public List<NodeMetricsSource>? AppliedMetrics { get; set; }

    /// <summary>Metrics that hit their series cap on this node.</summary>
    [MaxItems(64)]
    [JsonPropertyName("cappedMetrics")]
    public List<string>? CappedMetrics { get; set; }

    /// <summary>Per threshold of spec.triggers: its latest breach episode (Firing or Ok).</summary>
    [MaxItems(64)]
    [JsonPropertyName("triggers")]
    public List<NodeTriggerStatus>? Triggers { get; set; }

    /// <summary>The flight recorder: on or off, bytes held and seconds covered.</summary>
    [JsonPropertyName("flightRecorder")]
    public NodeFlightRecorderStatus? FlightRecorder { get; set; }
}
