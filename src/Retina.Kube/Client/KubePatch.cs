using System.Text.Json.Nodes;

namespace Retina.Kube.Client;

/// <summary>A patch body and its format.</summary>
public sealed record KubePatch(PatchType Type, string Body)
{
    public string ContentType => Type switch
    {
        PatchType.Json => "application/json-patch+json",
        PatchType.StrategicMerge => "application/strategic-merge-patch+json",
        _ => "application/merge-patch+json",
    };

    public static KubePatch Merge(JsonNode body) => new(PatchType.Merge, body.ToJsonString());

    public static KubePatch Merge(string body) => new(PatchType.Merge, body);

    public static KubePatch Json(JsonArray operations) => new(PatchType.Json, operations.ToJsonString());

    public static KubePatch Json(string operations) => new(PatchType.Json, operations);
}
