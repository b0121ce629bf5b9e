using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static Retina.Controllers.Tests.Privilege.RenderedManifests;

namespace Retina.Controllers.Tests.Privilege;

/// <summary>
/// Images are pinned: no overlay pulls a moving tag, and production names an exact release (a version tag, or a
/// digest once images are published; kustomize/README.md says how to pin one).
/// </summary>
public sealed partial class ImagePinningTests
{
    [Theory]
    [MemberData(nameof(Overlays), MemberType = typeof(RenderedManifests))]
    public async Task No_overlay_runs_an_image_by_a_moving_tag(string overlay)
    {
        var images = Images(await OverlayAsync(overlay));
        images.ShouldNotBeEmpty();
        foreach (var image in images)
        {
            var tag = Tag(image);
            tag.ShouldNotBeNull($"{overlay}: {image} has no tag or digest (that is :latest)");
            tag.ShouldNotBe("latest", $"{overlay}: {image}");
        }
    }

    [Fact]
    public async Task Production_names_each_image_by_digest_or_release_version()
    {
        var docs = await OverlayAsync("production");
        var images = Images(docs).ToList();
        var copyJob = JsonNode.Parse(docs.Single(d => Kind(d) == "ConfigMap" && Name(d).StartsWith("retina-controller-config", StringComparison.Ordinal))["data"]!["config.json"]!.GetValue<string>())!
            ["Retina"]!["Controller"]!["CopyJobImage"]?.GetValue<string>();
        copyJob.ShouldNotBeNull("production pins the PVC copy Job's image too (Retina:Controller:CopyJobImage)");
        images.Add(copyJob);
        foreach (var image in images)
        {
            (Digest().IsMatch(image) || Release().IsMatch(Tag(image) ?? "")).ShouldBeTrue($"{image}: a digest (@sha256:<64 hex>) or a release version (x.y.z)");
        }
    }

    private static IEnumerable<string> Images(IReadOnlyList<JsonObject> docs) => docs
        .Where(d => Kind(d) is "Deployment" or "DaemonSet")
        .SelectMany(d => (d["spec"]!["template"]!["spec"]!["containers"] as JsonArray ?? []).Concat(d["spec"]!["template"]!["spec"]!["initContainers"] as JsonArray ?? []))
        .Select(c => c!["image"]!.GetValue<string>());

    /// <summary>The tag, or the digest after '@'; null when the reference has neither.</summary>
    private static string? Tag(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            return image[(at + 1)..];
        }

        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? image[(colon + 1)..] : null;
    }

    [GeneratedRegex(@"@sha256:[0-9a-f]{64}$")]
    private static partial Regex Digest();

    [GeneratedRegex(@"^v?\d+\.\d+\.\d+$")]
    private static partial Regex Release();
}
