using System.Text.Json.Nodes;
using Retina.Kube.Store;
using Retina.Testing.Netns;
using Retina.Testing.Repo;

namespace Retina.CrdGen.Tests.Yaml;

/// <summary>
/// Every YAML we ship loads in YamlDotNet, in kubectl and in a YAML 1.1 parser (PyYAML) with the same meaning: Python
/// tooling (Ansible's kubernetes.core, the Python client's create_from_yaml, CI linters) reads what we ship too.
/// kubectl offline: `kubectl create/apply --dry-run=client` asks the server for its API list, so plain files go through
/// `kubectl annotate --local -f FILE -o yaml` (kubectl's own decoder, no server), kustomize folders through
/// `kubectl kustomize`, whose output is what Argo CD and Flux apply and is loaded again by the other two parsers.
/// </summary>
public sealed class ShippedYamlTests
{
    public static TheoryData<string> PlainFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in ShippedPlainFiles())
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, file));
        }

        return data;
    }

    public static TheoryData<string> KustomizeDirs()
    {
        var data = new TheoryData<string>();
        foreach (var dir in ShippedKustomizeDirs())
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, dir));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PlainFiles))]
    public async Task Each_shipped_file_loads_in_YamlDotNet_kubectl_and_PyYAML_with_one_meaning(string relative)
    {
        var path = RepoPaths.Combine(relative);
        var dotnet = YamlJson.ParseAll(await File.ReadAllTextAsync(path));
        dotnet.ShouldNotBeEmpty();

        if (Path.GetFileName(path) != "kustomization.yaml")
        {
            var kubectl = await Shell.RunAsync("kubectl", ["annotate", "--local", "-f", path, "-o", "yaml", "retina.sh/yaml-check=1"]);
            kubectl.ExitCode.ShouldBe(0, $"{relative}: {kubectl.StdErr}");
        }

        await ShouldMatchPyYaml(relative, path, dotnet);
    }

    [Theory]
    [MemberData(nameof(KustomizeDirs))]
    public async Task Each_rendered_kustomization_loads_in_YamlDotNet_and_PyYAML_with_one_meaning(string relative)
    {
        if (relative == ArgoHealth.ArgoHealthScriptTests.ComponentDir)
        {
            // It merges into Argo CD's argocd-cm, so it renders only inside a kustomization holding that ConfigMap:
            // ArgoHealthScriptTests renders it so and checks the output in PyYAML too.
            return;
        }

        var rendered = await Shell.RunAsync("kubectl", ["kustomize", RepoPaths.Combine(relative)]);
        rendered.ExitCode.ShouldBe(0, $"{relative}: {rendered.StdErr}");
        if (rendered.StdOut.Trim().Length == 0 && File.ReadAllText(RepoPaths.Combine(relative, "kustomization.yaml")).Contains("kind: Component", StringComparison.Ordinal))
        {
            // A component that only patches (e.g. node-runtime-legacy-kernel) renders nothing alone; its result is
            // checked where it is applied on top of base (tests/Retina.Controllers.Tests/Privilege).
            return;
        }

        var temp = Path.Combine(Path.GetTempPath(), $"retina-kustomize-{Guid.NewGuid():N}.yaml");
        try
        {
            await File.WriteAllTextAsync(temp, rendered.StdOut);
            var dotnet = YamlJson.ParseAll(rendered.StdOut);
            dotnet.ShouldNotBeEmpty();
            await ShouldMatchPyYaml(relative, temp, dotnet);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    [Fact]
    public void Every_sample_folder_and_every_kustomization_is_covered()
    {
        ShippedPlainFiles().ShouldContain(f => f.Contains($"samples{Path.DirectorySeparatorChar}invalid", StringComparison.Ordinal));
        ShippedPlainFiles().ShouldContain(f => f.Contains($"samples{Path.DirectorySeparatorChar}local", StringComparison.Ordinal));
        ShippedKustomizeDirs().Count().ShouldBeGreaterThanOrEqualTo(8, "crds, base, two overlays and four components");
    }

    private static async Task ShouldMatchPyYaml(string relative, string path, List<JsonObject> dotnet)
    {
        var python = (await PyYaml.LoadAllAsync([path]))[path];
        python["error"].ShouldBeNull($"{relative}: PyYAML refuses it");
        var pyDocs = python["docs"]!.AsArray().Select(d => d!.AsObject()).ToList();
        pyDocs.Count.ShouldBe(dotnet.Count, relative);
        for (var i = 0; i < pyDocs.Count; i++)
        {
            // Integers that PyYAML and we both read as numbers compare equal as JSON; a string PyYAML retyped does not.
            JsonNode.DeepEquals(JsonNode.Parse(pyDocs[i].ToJsonString()), JsonNode.Parse(dotnet[i].ToJsonString()))
                .ShouldBeTrue($"{relative}: document {i} means something else to PyYAML:\n{pyDocs[i].ToJsonString()}\nvs\n{dotnet[i].ToJsonString()}");
        }
    }

    private static IEnumerable<string> ShippedPlainFiles() =>
        Directory.GetFiles(RepoPaths.Combine("crds"), "*.yaml")
            .Concat(Directory.GetFiles(RepoPaths.Combine("config", "samples"), "*.yaml", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal);

    private static IEnumerable<string> ShippedKustomizeDirs() =>
        Directory.GetFiles(RepoPaths.Root, "kustomization.yaml", SearchOption.AllDirectories)
            .Select(Path.GetDirectoryName)
            .OfType<string>()
            .Where(d => !Path.GetRelativePath(RepoPaths.Root, d).Split(Path.DirectorySeparatorChar)
                .Any(part => part is "bin" or "obj" or "node_modules" or "tests" or ".tools" or ".retina" || part.StartsWith('.')))
            .Order(StringComparer.Ordinal);
}
