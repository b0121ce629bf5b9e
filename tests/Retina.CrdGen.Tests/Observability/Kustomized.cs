using System.Text.Json.Nodes;
using Retina.Testing.Repo;

namespace Retina.CrdGen.Tests.Observability;

/// <summary>Renders kustomize folders with the real kubectl kustomize.</summary>
public static class Kustomized
{
    public static string Components { get; } = RepoPaths.Combine("kustomize", "components");

    public static Task<IReadOnlyList<JsonObject>> RenderAsync(string directory) => Retina.Testing.Repo.Kustomize.RenderAsync(directory);

    /// <summary>The base with these components, as an overlay would list them.</summary>
    public static Task<IReadOnlyList<JsonObject>> BaseWithAsync(params string[] components) => Retina.Testing.Repo.Kustomize.BaseWithComponentsAsync(components);

    public static string Kind(JsonNode doc) => doc["kind"]?.GetValue<string>() ?? "";

    public static string Name(JsonNode doc) => doc["metadata"]?["name"]?.GetValue<string>() ?? "";

    public static JsonObject Single(IEnumerable<JsonObject> docs, string kind, string name) =>
        docs.Single(d => Kind(d) == kind && Name(d) == name);
}
