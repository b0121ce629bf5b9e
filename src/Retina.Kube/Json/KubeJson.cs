using System.Text.Json.Nodes;
using k8s;

namespace Retina.Kube.Json;

/// <summary>Converts between typed objects and JSON trees using KubernetesClient's serializer settings.</summary>
public static class KubeJson
{
    public static JsonObject ToNode(object value) =>
        JsonNode.Parse(KubernetesJson.Serialize(value))?.AsObject() ?? throw new InvalidOperationException("serialized to null");

    public static T FromNode<T>(JsonNode node) =>
        KubernetesJson.Deserialize<T>(node.ToJsonString()) ?? throw new InvalidOperationException("deserialized to null");

    /// <summary>Returns the node at a dotted path (e.g. "spec.nodeName"), or null.</summary>
    public static JsonNode? Select(JsonNode? node, string dottedPath)
    {
        foreach (var part in dottedPath.Split('.'))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node))
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>The scalar at a dotted path as a string (what field selectors compare), or null.</summary>
    public static string? SelectString(JsonNode? node, string dottedPath) => Select(node, dottedPath) switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    public static JsonObject EnsureObject(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        parent[name] = created;
        return created;
    }
}
