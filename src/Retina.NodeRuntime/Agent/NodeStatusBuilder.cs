using System.Text.Json;
using System.Text.Json.Nodes;
using Retina.Api.Common;
using Retina.Api.NodeRuntime;
using Retina.NodeRuntime.Plugins;

namespace Retina.NodeRuntime.Agent;

/// <summary>What the runtime reports in its NodeRuntime.status. Pure.</summary>
public static class NodeStatusBuilder
{
    public static NodeRuntimeStatus Build(
        NodeRuntimeSpec spec,
        long? generation,
        IReadOnlyList<PluginState> plugins,
        IReadOnlyList<NodeWorkStatus> captures,
        IReadOnlyList<string> cappedMetrics,
        string kernel,
        DateTime now)
    {
        var requested = spec.Plugins?.Count ?? 0;
        var running = plugins.Count(p => p.State == PluginPhase.Running);
        var status = new NodeRuntimeStatus
        {
            ObservedGeneration = generation,
            HeartbeatTime = now,
            KernelVersion = kernel,
            RuntimeVersion = Metrics.RuntimeBuild.Version,
            PluginSummary = $"{running}/{requested}",
            ActiveCaptures = captures.Count(c => c.Phase is "Pending" or "Running"),
            Plugins = plugins.Select(p => new NodePluginStatus { Name = p.Name, State = p.State.ToString(), Hook = p.Hook, Reason = p.Reason }).ToList(),
            Captures = [.. captures],
            AppliedMetrics = spec.Metrics?.Sources,
            CappedMetrics = cappedMetrics.Count > 0 ? [.. cappedMetrics] : null,
            Conditions = [],
        };
        var degraded = plugins.Where(p => p.State != PluginPhase.Running).ToList();
        // The agent writes status after applying the spec it read: what it reports is current (kstatus Ready=True).
        HealthConditions.Current(status.Conditions, "Converged", $"running spec generation {generation}", generation, now);
        Conditions.Set(status.Conditions, "Degraded", degraded.Count > 0 ? ConditionStatus.True : ConditionStatus.False,
            degraded.Count > 0 ? "PluginsDegraded" : "AllPluginsRunning",
            degraded.Count > 0 ? string.Join("; ", degraded.Select(p => $"{p.Name}: {p.State} ({p.Reason})")) : "every requested plugin runs",
            generation, now);
        return status;
    }

    /// <summary>The status without its timestamps, to decide whether anything worth writing changed.</summary>
    public static string Fingerprint(NodeRuntimeStatus status)
    {
        var node = JsonSerializer.SerializeToNode(status, Json)!.AsObject();
        node.Remove("heartbeatTime");
        node.Remove("conditions");
        return node.ToJsonString();
    }

    public static JsonObject Patch(NodeRuntimeStatus status)
    {
        var node = JsonSerializer.SerializeToNode(status, Json)!.AsObject();

        // A merge patch keeps what it does not name: the last threshold gone must remove the list, not leave it stale.
        node["triggers"] ??= null;
        return new JsonObject { ["status"] = node };
    }

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
}
