using System.Text.Json.Nodes;
using Retina.Api;
using Retina.CrdGen.Tests.Crds;
using Retina.CrdGen.Tests.Samples;
using Retina.Testing.Netns;
using Retina.Testing.Repo;
using Retina.Kube.Store;

namespace Retina.CrdGen.Tests.Kustomize;

public sealed class KustomizeTests
{
    public static TheoryData<string> Overlays()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(RepoPaths.Combine("kustomize", "overlays")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Each_overlay_builds_and_its_custom_resources_and_crds_validate(string overlay)
    {
        var result = await Shell.RunAsync("kubectl", ["kustomize", RepoPaths.Combine("kustomize", "overlays", overlay)]);
        result.ExitCode.ShouldBe(0, result.StdErr);
        var docs = YamlJson.ParseAll(result.StdOut);
        docs.ShouldNotBeEmpty();

        var crds = docs.Where(d => d["kind"]?.GetValue<string>() == "CustomResourceDefinition" &&
                                   d["spec"]?["group"]?.GetValue<string>() == "retina.sh").ToList();
        crds.Select(c => c["spec"]!["names"]!["kind"]!.GetValue<string>()).Order()
            .ShouldBe(ResourceKinds.All.Select(k => k.Kind).Order(), "every CRD must be in the build");
        foreach (var crd in crds)
        {
            var kind = crd["spec"]!["names"]!["kind"]!.GetValue<string>();
            JsonNode.DeepEquals(crd["spec"], CrdSchemas.LoadCrd(kind)["spec"]).ShouldBeTrue($"{overlay}: CRD {kind} differs from crds/");
        }

        foreach (var resource in docs.Where(d => d["apiVersion"]?.GetValue<string>() == "retina.sh/v1alpha1"))
        {
            var sample = new Sample($"{overlay}:{resource["metadata"]?["name"]}", resource, null);
            CrdSchemas.Validate(resource).ShouldBeEmpty($"{sample}: schema errors");
            sample.Kind.Validate(sample.Typed()).Errors.ShouldBeEmpty($"{sample}: validator errors");
        }
    }

    [Fact]
    public async Task The_two_overlays_differ_in_plugins_resources_and_outputs()
    {
        var k3d = await Build("k3d");
        var production = await Build("production");
        ConfigJson(k3d, "retina-controller-config")["Retina"]!["Controller"]!["Plugins"]!.ToJsonString()
            .ShouldNotBe(ConfigJson(production, "retina-controller-config")["Retina"]!["Controller"]!["Plugins"]!.ToJsonString());
        Resources(k3d, "DaemonSet").ShouldNotBe(Resources(production, "DaemonSet"));
        ConfigJson(k3d, "retina-node-runtime-config")["Retina"]!["NodeRuntime"]!["DiskBudgetMB"]!.ToJsonString()
            .ShouldNotBe(ConfigJson(production, "retina-node-runtime-config")["Retina"]!["NodeRuntime"]!["DiskBudgetMB"]!.ToJsonString());
    }

    private static async Task<IReadOnlyList<JsonObject>> Build(string overlay)
    {
        var result = await Shell.RunAsync("kubectl", ["kustomize", RepoPaths.Combine("kustomize", "overlays", overlay)]);
        result.ExitCode.ShouldBe(0, result.StdErr);
        return YamlJson.ParseAll(result.StdOut);
    }

    private static JsonNode ConfigJson(IReadOnlyList<JsonObject> docs, string prefix)
    {
        var map = docs.Single(d => d["kind"]!.GetValue<string>() == "ConfigMap" &&
                                   d["metadata"]!["name"]!.GetValue<string>().StartsWith(prefix, StringComparison.Ordinal));
        return JsonNode.Parse(map["data"]!["config.json"]!.GetValue<string>())!;
    }

    private static string Resources(IReadOnlyList<JsonObject> docs, string kind) =>
        docs.Single(d => d["kind"]!.GetValue<string>() == kind)["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!.ToJsonString();
}
