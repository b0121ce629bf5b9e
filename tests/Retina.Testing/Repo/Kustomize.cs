using System.Text.Json.Nodes;
using Retina.Kube.Store;
using Retina.Testing.Netns;

namespace Retina.Testing.Repo;

/// <summary>Renders the repository's kustomize folders with the real <c>kubectl kustomize</c>: the manifests a cluster receives.</summary>
public static class Kustomize
{
    public static async Task<IReadOnlyList<JsonObject>> RenderAsync(string directory)
    {
        var result = await Shell.RunAsync("kubectl", ["kustomize", directory]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl kustomize {directory} exited {result.ExitCode}: {result.StdErr}");
        }

        return YamlJson.ParseAll(result.StdOut);
    }

    /// <summary><c>kustomize/base</c> with these components of <c>kustomize/components</c>, as an overlay that lists them renders it.</summary>
    public static async Task<IReadOnlyList<JsonObject>> BaseWithComponentsAsync(params string[] components)
    {
        var overlay = Directory.CreateTempSubdirectory("retina-overlay-");
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
}
