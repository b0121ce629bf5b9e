using System.Globalization;
using System.Text.Json.Nodes;
using Retina.Kube.Client;

namespace Retina.Kube.Json;

/// <summary>RFC 6902 JSON patch (add, remove, replace, move, copy, test) applied to a copy of a document.</summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonArray operations)
    {
        var root = new JsonObject { ["r"] = document.DeepClone() };
        foreach (var op in operations)
        {
            if (op is not JsonObject o)
            {
                throw KubeApiException.BadRequest("json patch operations must be objects");
            }

            var kind = (string?)o["op"] ?? throw KubeApiException.BadRequest("json patch operation without op");
            var path = (string?)o["path"] ?? throw KubeApiException.BadRequest("json patch operation without path");
            switch (kind)
            {
                case "add":
                    Add(root, path, o["value"]?.DeepClone());
                    break;
                case "remove":
                    Remove(root, path);
                    break;
                case "replace":
                    Remove(root, path);
                    Add(root, path, o["value"]?.DeepClone());
                    break;
                case "move":
                    var moved = Remove(root, (string?)o["from"] ?? "");
                    Add(root, path, moved);
                    break;
                case "copy":
                    Add(root, path, Get(root, (string?)o["from"] ?? "")?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(root, path), o["value"]))
                    {
                        throw KubeApiException.Invalid($"the json patch test at {path} failed");
                    }

                    break;
                default:
                    throw KubeApiException.BadRequest($"unknown json patch op {kind}");
            }
        }

        return root["r"] ?? throw KubeApiException.Invalid("json patch removed the document");
    }

    private static (JsonNode Parent, string Last) Resolve(JsonObject root, string path)
    {
        var tokens = ("/r" + path).Split('/').Skip(1).Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        JsonNode current = root;
        for (var i = 0; i < tokens.Length - 1; i++)
        {
            current = Child(current, tokens[i]) ?? throw KubeApiException.Invalid($"json patch path {path} does not exist");
        }

        return (current, tokens[^1]);
    }

    private static JsonNode? Child(JsonNode node, string token) => node switch
    {
        JsonObject o => o[token],
        JsonArray a when int.TryParse(token, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < a.Count => a[i],
        _ => null,
    };

    private static JsonNode? Get(JsonObject root, string path)
    {
        var (parent, last) = Resolve(root, path);
        return Child(parent, last);
    }

    private static void Add(JsonObject root, string path, JsonNode? value)
    {
        var (parent, last) = Resolve(root, path);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, CultureInfo.InvariantCulture, out var i) && i >= 0 && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw KubeApiException.Invalid($"json patch path {path} cannot be added to");
        }
    }

    private static JsonNode? Remove(JsonObject root, string path)
    {
        var (parent, last) = Resolve(root, path);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                var value = o[last];
                o.Remove(last);
                return value;
            case JsonArray a when int.TryParse(last, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < a.Count:
                var item = a[i];
                a.RemoveAt(i);
                return item;
            default:
                throw KubeApiException.Invalid($"json patch path {path} does not exist");
        }
    }
}
