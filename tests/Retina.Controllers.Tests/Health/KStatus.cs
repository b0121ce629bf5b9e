using System.Text.Json.Nodes;

namespace Retina.Controllers.Tests.Health;

/// <summary>
/// A small port of the generic rules of kubernetes-sigs/cli-utils pkg/kstatus/status (what Flux's health checks use
/// for custom resources), applied to an object as the API server returns it (unstructured JSON).
/// </summary>
public static class KStatus
{
    public enum Result { InProgress, Current, Failed, Terminating }

    public sealed record Verdict(Result Status, string Message);

    public static Verdict Compute(JsonObject obj)
    {
        var metadata = obj["metadata"] as JsonObject ?? [];
        if (metadata["deletionTimestamp"] is not null)
        {
            return new(Result.Terminating, "resource scheduled for deletion");
        }

        var status = obj["status"] as JsonObject;
        var generation = (long?)metadata["generation"];
        // kstatus: status.observedGeneration, when present, must equal metadata.generation.
        if (status?["observedGeneration"] is { } observed && (long)observed != generation)
        {
            return new(Result.InProgress, $"{obj["kind"]} generation is {generation}, but latest observed generation is {(long)observed}");
        }

        var conditions = (status?["conditions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (Find(conditions, "Reconciling") is { } reconciling && (string?)reconciling["status"] == "True")
        {
            return new(Result.InProgress, (string?)reconciling["message"] ?? "");
        }

        if (Find(conditions, "Stalled") is { } stalled && (string?)stalled["status"] == "True")
        {
            return new(Result.Failed, (string?)stalled["message"] ?? "");
        }

        return new(Result.Current, "Resource is current");
    }

    /// <summary>What <c>kubectl wait --for=condition=Ready</c> and Flux's Ready check read, with the condition's own observedGeneration.</summary>
    public static bool IsReady(JsonObject obj)
    {
        var conditions = (obj["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        return Find(conditions, "Ready") is { } ready && (string?)ready["status"] == "True"
            && (long?)ready["observedGeneration"] == (long?)obj["metadata"]?["generation"];
    }

    private static JsonObject? Find(List<JsonObject> conditions, string type) =>
        conditions.FirstOrDefault(c => (string?)c["type"] == type);
}
