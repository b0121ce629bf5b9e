using System.Text.Json.Nodes;
using Retina.Kube.Store;
using Retina.Testing.Repo;

namespace Retina.CrdGen.Tests.GitOps;

/// <summary>config/gitops: a Flux and an Argo CD definition per kustomize overlay.</summary>
public static class GitOpsLayout
{
    public static string Root { get; } = RepoPaths.Combine("config", "gitops");

    public static IReadOnlyList<string> Overlays { get; } =
        [.. Directory.GetDirectories(RepoPaths.Combine("kustomize", "overlays")).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal)];

    public static TheoryData<string> OverlayData() => new(Overlays);

    public static IReadOnlyList<JsonObject> FluxKustomizations(string overlay) =>
        YamlJson.ParseFile(Path.Combine(Root, "flux", overlay, "kustomizations.yaml"));

    public static JsonObject ArgoApplication(string overlay) =>
        YamlJson.ParseFile(Path.Combine(Root, "argocd", overlay, "application.yaml")).Single();

    /// <summary>A Flux or Argo CD path (relative to the repository root, "./" or not) as a directory here.</summary>
    public static string RepoDirectory(string path) => RepoPaths.Combine(path.TrimStart('.', '/').Split('/'));

    public static string Group(JsonNode doc) => (doc["apiVersion"]?.GetValue<string>() ?? "").Split('/') is [var g, _] ? g : "";

    public static string? Annotation(JsonNode doc, string key) => doc["metadata"]?["annotations"]?[key]?.GetValue<string>();

    public static string Identity(JsonNode doc) =>
        $"{doc["apiVersion"]}/{doc["kind"]}/{doc["metadata"]?["namespace"]}/{doc["metadata"]?["name"]}";
}
