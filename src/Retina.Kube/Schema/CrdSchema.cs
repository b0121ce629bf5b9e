using System.Text.Json.Nodes;
using NJsonSchema;

namespace Retina.Kube.Schema;

/// <summary>
/// One CRD version's <c>openAPIV3Schema</c>: the raw tree (for the structural layer: pruning, defaults, nulls,
/// int-or-string) and two NJsonSchema validators, one for the resource without status and one for status alone, since
/// a write through the main resource never changes status and a status write changes nothing else. Patterns are
/// rewritten to match with Go's meaning (<see cref="GoRegex"/>).
/// </summary>
public sealed class CrdSchema
{
    public CrdSchema(string group, string kind, JsonObject openApiV3Schema)
    {
        if (openApiV3Schema.ToJsonString().Contains("\"x-kubernetes-validations\"", StringComparison.Ordinal))
        {
            // Accepting what a real server's CEL rules reject would be the silent drift this fake exists to prevent.
            throw new NotSupportedException($"{kind}.{group}: the fake API does not evaluate CEL rules (x-kubernetes-validations)");
        }

        Group = group;
        Kind = kind;
        Root = openApiV3Schema;
        var withoutStatus = (JsonObject)openApiV3Schema.DeepClone();
        (withoutStatus["properties"] as JsonObject)?.Remove("status");
        (withoutStatus["required"] as JsonArray)?.RemoveAll(r => (string?)r == "status");
        WithoutStatus = Load(withoutStatus);
        var statusOnly = new JsonObject { ["type"] = "object" };
        if (openApiV3Schema["properties"]?["status"] is { } status)
        {
            statusOnly["properties"] = new JsonObject { ["status"] = status.DeepClone() };
        }

        StatusOnly = Load(statusOnly);
    }

    public string Group { get; }

    public string Kind { get; }

    public JsonObject Root { get; }

    public JsonSchema WithoutStatus { get; }

    public JsonSchema StatusOnly { get; }

    private static JsonSchema Load(JsonObject schema)
    {
        GoRegex.RewritePatterns(schema);
        return JsonSchema.FromJsonAsync(schema.ToJsonString()).GetAwaiter().GetResult();
    }
}
