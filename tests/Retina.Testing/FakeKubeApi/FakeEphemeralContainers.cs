using System.Net;
using System.Text.Json.Nodes;
using Retina.Kube.Client;
using Retina.Kube.Json;
using Retina.Kube.Store;

namespace Retina.Testing.FakeKubeApi;

/// <summary>
/// The <c>pods/ephemeralcontainers</c> subresource as a real API server serves it: GET returns the pod; a PATCH (JSON
/// or merge patch) may only add entries to <c>spec.ephemeralContainers</c>: changing or removing one, or anything
/// else of the pod, is <c>422 Invalid</c> (ephemeral containers cannot be changed or removed once added).
/// </summary>
internal static class FakeEphemeralContainers
{
    public const string Subresource = "ephemeralcontainers";

    public static JsonObject Patch(ApiObjectStore store, ResourceDescriptor pods, string? ns, string name, KubePatch patch)
    {
        var current = store.Get(pods, ns, name);
        var body = JsonNode.Parse(patch.Body)!;
        var patched = patch.Type == PatchType.Json
            ? (JsonObject)JsonPatch.Apply(current.DeepClone(), (JsonArray)body)
            : (JsonObject)JsonMergePatch.Apply(current.DeepClone(), body)!;
        var before = current["spec"]?["ephemeralContainers"] as JsonArray ?? [];
        var after = patched["spec"]?["ephemeralContainers"] as JsonArray ?? [];
        var kept = after.Take(before.Count).Zip(before).All(p => JsonNode.DeepEquals(p.First, p.Second));
        var otherSpec = Without(current["spec"]);
        if (after.Count < before.Count || !kept || !JsonNode.DeepEquals(otherSpec, Without(patched["spec"])))
        {
            throw new KubeApiException(HttpStatusCode.UnprocessableEntity, "Invalid",
                $"Pod \"{name}\" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers may not be changed or removed, and nothing else may change");
        }

        var names = after.Select(c => (string?)c?["name"]).ToList();
        if (names.Distinct().Count() != names.Count || names.Any(n => ((JsonArray?)current["spec"]?["containers"])?.Any(c => (string?)c?["name"] == n) == true))
        {
            throw new KubeApiException(HttpStatusCode.UnprocessableEntity, "Invalid", $"Pod \"{name}\" is invalid: spec.ephemeralContainers[].name: Duplicate value");
        }

        current["spec"]!["ephemeralContainers"] = after.DeepClone();
        return store.Update(pods, ns, name, current, statusSubresource: false);
    }

    private static JsonNode? Without(JsonNode? spec)
    {
        var copy = spec?.DeepClone() as JsonObject;
        copy?.Remove("ephemeralContainers");
        return copy;
    }
}
