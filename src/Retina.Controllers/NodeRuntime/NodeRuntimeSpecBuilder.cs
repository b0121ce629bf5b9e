using System.Text.Json;
using System.Text.Json.Nodes;
using Retina.Api.NodeRuntime;

namespace Retina.Controllers.NodeRuntime;

/// <summary>The part of a node's NodeRuntime.spec that cluster-wide configuration decides: plugins and metric shaping.</summary>
public static class NodeRuntimeSpecBuilder
{
    /// <param name="settings">Settings per plugin name (Retina's agent keys, <see cref="Options.AgentKnobs"/>); empty ones are left out.</param>
    /// <param name="flightRecorder">The flight recorder armed CapturePolicies ask of this node (null: off).</param>
    /// <param name="triggers">The thresholds armed CapturePolicies ask this node to evaluate (null: none).</param>
    public static JsonObject Desired(IEnumerable<string> plugins, NodeMetricsSpec? metrics, IReadOnlyDictionary<string, Dictionary<string, string>>? settings = null,
        NodeFlightRecorderSpec? flightRecorder = null, List<NodeTriggerSpec>? triggers = null)
    {
        var spec = new NodeRuntimeSpec
        {
            // packetparser exists for pod-level metrics: it runs only while a MetricsConfiguration asks for them.
            Plugins = plugins.Where(p => p != "packetparser" || metrics is not null).Select(p => new NodePluginSpec
            {
                Name = p,
                Settings = settings is not null && settings.TryGetValue(p, out var s) && s.Count > 0 ? new Dictionary<string, string>(s) : null,
            }).ToList(),
            Metrics = metrics,
            FlightRecorder = flightRecorder,
            Triggers = triggers,
        };
        var node = JsonSerializer.SerializeToNode(spec, JsonOptions)!.AsObject();

        // An explicit null removes a stale metrics section in a merge patch.
        node["metrics"] ??= null;
        node["flightRecorder"] ??= null;
        node["triggers"] ??= null;
        return node;
    }

    /// <summary>The merge patch that brings <paramref name="current"/> to <paramref name="desired"/>, or null when nothing differs.</summary>
    public static JsonObject? Patch(NodeRuntimeSpec? current, JsonObject desired)
    {
        var now = current is null ? new JsonObject() : JsonSerializer.SerializeToNode(current, JsonOptions)!.AsObject();
        var patch = new JsonObject();
        foreach (var (key, value) in desired)
        {
            var existing = now[key];
            if (!JsonNode.DeepEquals(existing, value))
            {
                patch[key] = Diff(existing, value);
            }
        }

        return patch.Count == 0 ? null : patch;
    }

    /// <summary>
    /// The merge patch from <paramref name="existing"/> to <paramref name="desired"/> below the top level: a merge patch
    /// merges objects, so a field the desired object no longer has (spec.metrics.observed when the last annotation goes,
    /// spec.metrics.namespaces when the last MetricsConfiguration goes) must be written as an explicit null.
    /// </summary>
    private static JsonNode? Diff(JsonNode? existing, JsonNode? desired)
    {
        if (existing is not JsonObject before || desired is not JsonObject after)
        {
            return desired?.DeepClone();
        }

        var patch = new JsonObject();
        foreach (var (key, value) in after)
        {
            if (!JsonNode.DeepEquals(before[key], value))
            {
                patch[key] = Diff(before[key], value);
            }
        }

        foreach (var (key, _) in before)
        {
            if (!after.ContainsKey(key))
            {
                patch[key] = null;
            }
        }

        return patch;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
}
