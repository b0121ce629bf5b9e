using Retina.Api;
using Retina.CrdGen.Tests.Observability;
using Retina.Testing.Repo;
using static Retina.CrdGen.Tests.GitOps.GitOpsLayout;

namespace Retina.CrdGen.Tests.GitOps;

public sealed class ArgoCdTests
{
    private const string Wave = "argocd.argoproj.io/sync-wave";

    [Theory]
    [MemberData(nameof(GitOpsLayout.OverlayData), MemberType = typeof(GitOpsLayout))]
    public async Task Sync_waves_put_the_crds_first_and_retina_objects_after_the_webhook_that_admits_them(string overlay)
    {
        var application = ArgoApplication(overlay);
        var path = (string)application["spec"]!["source"]!["path"]!;
        path.ShouldBe($"config/gitops/argocd/{overlay}");
        var docs = await Kustomized.RenderAsync(RepoDirectory(path));
        var overlayDocs = await Kustomized.RenderAsync(RepoPaths.Combine("kustomize", "overlays", overlay));

        overlayDocs.Select(Identity).Except(docs.Select(Identity)).ShouldBeEmpty("every object of the overlay is synced");
        foreach (var doc in docs)
        {
            var (wave, what) = Kustomized.Kind(doc) == "CustomResourceDefinition" ? ("-1", "a CRD")
                : Group(doc) == "retina.sh" ? ("1", "a retina.sh object")
                : ((string?)null, "the rest");
            Annotation(doc, Wave).ShouldBe(wave, $"{Identity(doc)} is {what}");
        }

        docs.Where(d => Kustomized.Kind(d) == "CustomResourceDefinition")
            .ShouldAllBe(d => Annotation(d, "argocd.argoproj.io/sync-options") == "Prune=false,Delete=false,ServerSideApply=true");
        // the webhook that must answer wave 1 is in wave 0
        docs.ShouldContain(d => Kustomized.Kind(d) == "ValidatingWebhookConfiguration" && Annotation(d, Wave) == null);
        docs.ShouldContain(d => Group(d) == "retina.sh", "wave 1 is empty: the example resources are missing");
    }

    [Theory]
    [MemberData(nameof(GitOpsLayout.OverlayData), MemberType = typeof(GitOpsLayout))]
    public void The_application_ignores_what_our_controllers_and_webhook_write_and_respects_that_on_sync(string overlay)
    {
        var spec = ArgoApplication(overlay)["spec"]!;
        var ignored = spec["ignoreDifferences"]!.AsArray().Select(i => i!).ToList();
        string[] Paths(string kind) =>
        [
            .. ignored.Where(i => (string?)i["kind"] == kind)
                .SelectMany(i => (i["jsonPointers"]?.AsArray() ?? []).Concat(i["jqPathExpressions"]?.AsArray() ?? []))
                .Select(p => (string)p!),
        ];

        Paths("ValidatingWebhookConfiguration").ShouldContain(".webhooks[]?.clientConfig.caBundle");
        Paths("MutatingWebhookConfiguration").ShouldContain(".webhooks[]?.clientConfig.caBundle");
        // NodeRuntime and RetinaEndpoint are written by the controllers only, never from Git.
        foreach (var kind in ResourceKinds.All.Where(k => k.Kind is not ("NodeRuntime" or "RetinaEndpoint")))
        {
            Paths(kind.Kind).ShouldBe(["/metadata/finalizers", "/status", ".metadata.annotations[\"retina.sh/requested-by\"]"], ignoreOrder: true, kind.Kind);
        }

        spec["syncPolicy"]!["syncOptions"]!.AsArray().Select(o => (string?)o).ShouldContain("RespectIgnoreDifferences=true");
        ((bool)spec["syncPolicy"]!["automated"]!["prune"]!).ShouldBeTrue();
        ((string?)spec["destination"]!["namespace"]).ShouldBe("retina-system");
    }

    [Fact]
    public void Every_overlay_has_a_flux_and_an_argo_cd_definition_and_nothing_else_is_there()
    {
        string[] Dirs(string tool) => [.. Directory.GetDirectories(Path.Combine(Root, tool)).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal)];

        Dirs("flux").ShouldBe(Overlays);
        Dirs("argocd").ShouldBe(Overlays);
    }
}
