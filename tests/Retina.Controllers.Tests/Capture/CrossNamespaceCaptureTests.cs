using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Controllers.Capture;
using Retina.Controllers.Options;
using Retina.Controllers.Tests.Support;
using Retina.Testing.Waiting;
using CaptureObject = Retina.Api.Capture.Capture;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Tests.Capture;

/// <summary>The admin cap CrossNamespaceCapture is checked against the namespaces a Capture targets, not the Capture's own.</summary>
public sealed class CrossNamespaceCaptureTests
{
    private static readonly V1Namespace[] Namespaces = [Ns("team-a"), Ns("team-b"), Ns("team-c")];

    private static readonly V1Pod[] Pods =
    [
        Objects.Pod("team-a", "a", "n1", "10.1.0.1"),
        Objects.Pod("team-b", "b", "n2", "10.1.0.2"),
        Objects.Pod("team-c", "c", "n3", "10.1.0.3"),
    ];

    [Fact]
    public void Without_the_cap_a_namespace_selector_reaches_only_the_captures_own_namespace()
    {
        var result = Resolve(new RetinaControllerOptions());

        result.Nodes.Keys.ShouldBe(["n1"]);
        result.Notes.ShouldBe(["namespaceSelector matched team-b, team-c, which Captures of other namespaces may not capture (the cluster setting CrossNamespaceCapture does not list them)"]);
    }

    [Fact]
    public void Listing_the_captures_own_namespace_opens_no_other_namespace()
    {
        var result = Resolve(new RetinaControllerOptions { CrossNamespaceCapture = ["team-a"] });

        result.Nodes.Keys.ShouldBe(["n1"]);
    }

    [Fact]
    public void Only_the_listed_target_namespaces_are_reached_and_a_star_reaches_all()
    {
        Resolve(new RetinaControllerOptions { CrossNamespaceCapture = ["team-b"] }).Nodes.Keys.ShouldBe(["n1", "n2"]);
        Resolve(new RetinaControllerOptions { CrossNamespaceCapture = ["*"] }).Nodes.Keys.ShouldBe(["n1", "n2", "n3"]);
    }

    [Fact]
    public void A_cap_entry_that_is_not_a_namespace_name_fails_start_up()
    {
        new RetinaControllerOptions { CrossNamespaceCapture = ["Team_B"] }.Validate()
            .ShouldBe(["Retina:Controller:CrossNamespaceCapture: \"Team_B\" is neither a namespace name nor \"*\""]);
    }

    [Fact]
    public async Task The_controller_applies_the_cap_to_the_targeted_namespaces()
    {
        // A cluster that (as before the fix) lists the Capture's own namespace: team-b must stay out of reach.
        await using var h = await ControllerHarness.StartAsync(o => o.CrossNamespaceCapture = ["team-a"]);
        await h.AddNodeAsync("n1");
        await h.AddNodeAsync("n2");
        foreach (var ns in Namespaces.Take(2))
        {
            await h.Client.CreateAsync(ns, CancellationToken.None);
        }

        await h.AddPodAsync(Objects.Pod("team-a", "a", "n1", "10.1.0.1"));
        await h.AddPodAsync(Objects.Pod("team-b", "b", "n2", "10.1.0.2"));
        await h.Client.CreateAsync(AcrossAll(), CancellationToken.None);

        await Until.ValueAsync(() => h.Client.GetAsync<NodeRuntimeObject>("n1", null, CancellationToken.None), r => r?.Spec.Captures?.Count == 1, "n1 gets the assignment");
        var accepted = await Until.ValueAsync(() => h.Client.GetAsync<CaptureObject>("across", "team-a", CancellationToken.None),
            c => c?.Status?.Conditions?.Any(k => k.Type == "Accepted" && k.Message!.Contains("team-b")) == true, "the Accepted condition names team-b");
        accepted!.Status!.Conditions!.Single(k => k.Type == "Accepted").Message!.ShouldContain("CrossNamespaceCapture");
        (await h.Client.GetAsync<NodeRuntimeObject>("n2", null, CancellationToken.None))?.Spec.Captures.ShouldBeNull();
    }

    private static CaptureTargetResolver.Result Resolve(RetinaControllerOptions options) =>
        CaptureTargetResolver.Resolve(AcrossAll(), [], Pods, Namespaces, null, options.AllowsCrossNamespaceCaptureOf);

    private static CaptureObject AcrossAll()
    {
        var c = Objects.PodCapture("team-a", "across");
        c.Spec.CaptureConfiguration.CaptureTarget = new CaptureTarget
        {
            NamespaceSelector = new LabelSelector { MatchExpressions = [new() { Key = "team", Operator = "Exists" }] },
            PodSelector = new LabelSelector { MatchLabels = new() { ["app"] = "web" } },
        };
        return c;
    }

    private static V1Namespace Ns(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "Namespace",
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = name, ["team"] = name } },
    };
}
