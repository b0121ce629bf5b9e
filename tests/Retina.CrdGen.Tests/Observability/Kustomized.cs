using System.Text.Json.Nodes;
using Retina.Kube.Store;
using Retina.Testing.Netns;
using Retina.Testing.Repo;

namespace Retina.CrdGen.Tests.Observability;

/// <summary>Renders kustomize folders with the real kubectl kustomize.</summary>
public static class Kustomized
{
    public static string Components { get; } = RepoPaths.Combine("kustomize", "components");

    public static async Task<IReadOnlyList<JsonObject>> RenderAsync(string directory)
    {
        var result = await Shell.RunAsync("kubectl", ["kustomize", directory]);
        result.ExitCode.ShouldBe(0, $"kubectl kustomize {directory}: {result.StdErr}");
        return YamlJson.ParseAll(result.StdOut);
    }

    /// <summary>The base with these components, as an overlay would list them.</summary>
    public static async Task<IReadOnlyList<JsonObject>> BaseWithAsync(params string[] components)
    {
        var overlay = Directory.CreateTempSubdirectory("retina-components-");
        try
        {
            string Relative(params string[] parts) => Path.GetRelativePath(overlay.FullName, RepoPaths.Combine(parts));
            var listed = string.Concat(components.Select(c => $"\n  - {Relative("kustomize", "components", c)}"));
            await File.WriteAllTextAsync(Path.Combine(overlay.FullName, "kustomization.yaml"),
                $"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - {Relative("kustomize", "base")}\ncomponents:{listed}\n");
            return await RenderAsync(overlay.FullName);
        }
        finally
        {
            overlay.Delete(recursive: true);
        }
    }

    public static string Kind(JsonNode doc) => doc["kind"]?.GetValue<string>() ?? "";

    public static string Name(JsonNode doc) => doc["metadata"]?["name"]?.GetValue<string>() ?? "";

    public static JsonObject Single(IEnumerable<JsonObject> docs, string kind, string name) =>
        docs.Single(d => Kind(d) == kind && Name(d) == name);
}
