using Retina.CrdGen.Tests.Observability;
using Retina.CrdGen.Tests.Tooling;
using Retina.Kube.Store;
using Retina.Testing.Repo;
using static Retina.CrdGen.Tests.GitOps.GitOpsLayout;

namespace Retina.CrdGen.Tests.GitOps;

public sealed class FluxTests
{
    [Theory]
    [MemberData(nameof(GitOpsLayout.OverlayData), MemberType = typeof(GitOpsLayout))]
    public void Flux_applies_the_crds_then_the_overlay_then_your_resources_and_never_prunes_the_crds(string overlay)
    {
        var stages = FluxKustomizations(overlay).ToDictionary(k => Kustomized.Name(k), k => k["spec"]!);
        stages.Keys.ShouldBe(["retina-crds", "retina", "retina-resources"], ignoreOrder: true);

        stages["retina-crds"]["dependsOn"].ShouldBeNull();
        stages["retina"]["dependsOn"]!.AsArray().Select(d => (string?)d!["name"]).ShouldBe(["retina-crds"]);
        stages["retina-resources"]["dependsOn"]!.AsArray().Select(d => (string?)d!["name"]).ShouldBe(["retina"]);
        ((bool)stages["retina-crds"]["prune"]!).ShouldBeFalse("pruning the CRD stage would delete every Capture with its CRD");
        ((bool)stages["retina"]["prune"]!).ShouldBeTrue();
        stages.Values.ShouldAllBe(s => (bool)s["wait"]!, "a later stage starts only when the earlier one is healthy");

        var source = YamlJson.ParseFile(Path.Combine(Root, "flux", "gitrepository.yaml")).Single();
        foreach (var stage in stages.Values)
        {
            ((string?)stage["sourceRef"]!["kind"]).ShouldBe("GitRepository");
            ((string?)stage["sourceRef"]!["name"]).ShouldBe(Kustomized.Name(source));
            Directory.Exists(RepoDirectory((string)stage["path"]!)).ShouldBeTrue((string?)stage["path"]);
        }

        ((string?)stages["retina"]["path"]).ShouldBe($"./config/gitops/flux/{overlay}/app");
    }

    [Theory]
    [MemberData(nameof(GitOpsLayout.OverlayData), MemberType = typeof(GitOpsLayout))]
    public async Task Each_object_of_the_overlay_is_applied_by_exactly_one_stage_crds_by_the_first(string overlay)
    {
        var stages = FluxKustomizations(overlay).ToDictionary(k => Kustomized.Name(k), k => (string)k["spec"]!["path"]!);
        var crds = await Kustomized.RenderAsync(RepoDirectory(stages["retina-crds"]));
        var app = await Kustomized.RenderAsync(RepoDirectory(stages["retina"]));
        var resources = await Kustomized.RenderAsync(RepoDirectory(stages["retina-resources"]));
        var overlayDocs = await Kustomized.RenderAsync(RepoPaths.Combine("kustomize", "overlays", overlay));

        crds.ShouldAllBe(d => Kustomized.Kind(d) == "CustomResourceDefinition");
        app.ShouldNotContain(d => Kustomized.Kind(d) == "CustomResourceDefinition");
        resources.ShouldAllBe(d => Group(d) == "retina.sh");
        // together the first two stages apply exactly what the overlay holds, each object once
        crds.Concat(app).Select(Identity).Order(StringComparer.Ordinal).ShouldBe(overlayDocs.Select(Identity).Order(StringComparer.Ordinal));
        crds.Concat(app).Concat(resources).Select(Identity).ShouldBeUnique();
    }
}
