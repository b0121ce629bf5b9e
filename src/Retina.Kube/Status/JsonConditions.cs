using System.Globalization;
using System.Text.Json.Nodes;

namespace Retina.Kube.Status;

/// <summary>
/// Sets standard <c>metav1.Condition</c> entries in a status's <c>conditions</c> JSON array, so that it works for any
/// resource type: <c>lastTransitionTime</c> changes only when the condition's status changes.
/// </summary>
public static class JsonConditions
{
    /// <summary>Sets the condition of <paramref name="type"/>; returns true when anything changed.</summary>
    public static bool Set(JsonObject status, string type, string conditionStatus, string reason, string? message, long? observedGeneration, DateTimeOffset now)
    {
        if (status["conditions"] is not JsonArray conditions)
        {
            status["conditions"] = conditions = [];
        }

        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);
        var transition = existing is null || (string?)existing["status"] != conditionStatus
            ? now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : (string?)existing["lastTransitionTime"];
        var next = new JsonObject
        {
            ["type"] = type,
            ["status"] = conditionStatus,
            ["reason"] = reason,
            ["message"] = message ?? "",
            ["lastTransitionTime"] = transition,
            ["observedGeneration"] = observedGeneration,
        };
        if (existing is not null && JsonNode.DeepEquals(existing, next))
        {
            return false;
        }

        if (existing is null)
        {
            conditions.Add(next);
        }
        else
        {
            conditions[conditions.IndexOf(existing)] = next;
        }

        return true;
    }

    /// <summary>The condition of <paramref name="type"/>, or null.</summary>
    public static JsonObject? Find(JsonObject? status, string type) =>
        (status?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);
}
