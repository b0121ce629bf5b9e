using System.Text.Json.Nodes;
using Retina.Testing.Repo;

namespace Retina.Controllers.Tests.Privilege;

/// <summary>What `kubectl kustomize` renders for each overlay: the manifests a cluster really receives.</summary>
internal static class RenderedManifests
{
    public static IReadOnlyList<string> OverlayNames { get; } = Directory.GetDirectories(RepoPaths.Combine("kustomize", "overlays"))
        .Select(d => Path.GetFileName(d)!)
        .Order(StringComparer.Ordinal)
        .ToList();

    public static TheoryData<string> Overlays()
    {
        var data = new TheoryData<string>();
        foreach (var name in OverlayNames)
        {
            data.Add(name);
        }

        return data;
    }

    public static Task<IReadOnlyList<JsonObject>> OverlayAsync(string overlay) => RenderAsync(RepoPaths.Combine("kustomize", "overlays", overlay));

    public static Task<IReadOnlyList<JsonObject>> RenderAsync(string directory) => Kustomize.RenderAsync(directory);

    /// <summary>The base with optional components, as an overlay that adds them would render it.</summary>
    public static Task<IReadOnlyList<JsonObject>> BaseWithComponentsAsync(params string[] components) => Kustomize.BaseWithComponentsAsync(components);

    /// <summary>Components that change our components' rights or pods; rendered on top of base by the privilege tests.</summary>
    public static IReadOnlyList<string> PrivilegeComponents { get; } = ["node-runtime-legacy-kernel", "node-runtime-metrics-auth"];

    public static string Kind(JsonObject doc) => doc["kind"]?.GetValue<string>() ?? "";

    public static string Name(JsonObject doc) => doc["metadata"]?["name"]?.GetValue<string>() ?? "";

    public static JsonObject Single(IEnumerable<JsonObject> docs, string kind, string name) =>
        docs.Single(d => Kind(d) == kind && Name(d) == name);

    public static IEnumerable<string> Strings(JsonNode? array) => (array as JsonArray ?? []).Select(n => n!.GetValue<string>());
}
