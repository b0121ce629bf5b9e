using System.Text.Json;
using System.Text.Json.Nodes;
using Retina.Api.NodeRuntime;

namespace Retina.Controllers.NodeRuntime;

/// <summary>The part of a node's NodeRuntime.spec that cluster-wide configuration decides: plugins and metric shaping.</summary>
public static class NodeRuntimeSpecBuilder
{
    public static JsonObject Desired(IEnumerable<string> plugins, NodeMetricsSpec? metrics, NodeFlightRecorderSpec? flightRecorder = null)
    {
        var spec = new NodeRuntimeSpec
        {
            // packetparser exists for pod-level metrics: it runs only while a MetricsConfiguration asks for them.
            Plugins = plugins.Where(p => p != "packetparser" || metrics is not null).Select(p => new NodePluginSpec { Name = p }).ToList(),
            Metrics = metrics,
            FlightRecorder = flightRecorder,
        };
        var node = JsonSerializer.SerializeToNode(spec, JsonOptions)!.AsObject();

        // An explicit null removes a stale metrics section in a merge patch.
        node["metrics"] ??= null;
        node["flightRecorder"] ??= null;
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
                patch[key] = value?.DeepClone();
            }
        }

        return patch.Count == 0 ? null : patch;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
}
