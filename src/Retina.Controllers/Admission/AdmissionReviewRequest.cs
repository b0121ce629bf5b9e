using System.Text.Json.Nodes;

namespace Retina.Controllers.Admission;

/// <summary>The parts of an <c>AdmissionReview</c> (admission.k8s.io/v1) request the webhook uses.</summary>
public sealed record AdmissionReviewRequest(string Uid, string Group, AdmissionAttempt Attempt)
{
    public const string ApiVersion = "admission.k8s.io/v1";

    /// <summary>Reads a review; a review that is not v1 or lacks a uid, kind, operation or userInfo is a <see cref="FormatException"/>.</summary>
    public static AdmissionReviewRequest Parse(JsonNode? review)
    {
        if (review is not JsonObject root || (string?)root["apiVersion"] != ApiVersion || (string?)root["kind"] != "AdmissionReview")
        {
            throw new FormatException($"the body must be an AdmissionReview of {ApiVersion}");
        }

        var request = root["request"] as JsonObject ?? throw new FormatException("request is required");
        var uid = Text(request, "uid") ?? throw new FormatException("request.uid is required");
        var kind = request["kind"] as JsonObject ?? throw new FormatException("request.kind is required");
        var operation = Text(request, "operation") switch
        {
            "CREATE" => AdmissionOperation.Create,
            "UPDATE" => AdmissionOperation.Update,
            "DELETE" => AdmissionOperation.Delete,
            "CONNECT" => AdmissionOperation.Connect,
            var op => throw new FormatException($"request.operation \"{op}\" is not CREATE, UPDATE, DELETE or CONNECT"),
        };
        var userInfo = request["userInfo"] as JsonObject ?? throw new FormatException("request.userInfo is required");
        var user = new AdmissionUser(
            Text(userInfo, "username") ?? "",
            Text(userInfo, "uid"),
            Strings(userInfo["groups"]),
            (userInfo["extra"] as JsonObject ?? []).ToDictionary(p => p.Key, p => Strings(p.Value), StringComparer.Ordinal));
        var attempt = new AdmissionAttempt(
            Text(kind, "kind") ?? throw new FormatException("request.kind.kind is required"),
            operation,
            Text(request, "namespace") is { Length: > 0 } ns ? ns : null,
            Text(request, "name") ?? "",
            Text(request, "subResource") ?? "",
            Object(request, "object"),
            Object(request, "oldObject"),
            user,
            request["dryRun"] is JsonValue v && v.TryGetValue<bool>(out var dry) && dry);
        return new AdmissionReviewRequest(uid, Text(kind, "group") ?? "", attempt);
    }

    /// <summary>The review sent back: <c>allowed</c>, and a denial's <c>status</c> or a mutation's JSONPatch.</summary>
    public JsonObject Respond(AdmissionDenial? denial, JsonArray? patch = null)
    {
        var response = new JsonObject { ["uid"] = Uid, ["allowed"] = denial is null };
        if (denial is not null)
        {
            response["status"] = new JsonObject { ["code"] = denial.Code, ["reason"] = denial.Reason, ["message"] = denial.Message };
        }
        else if (patch is { Count: > 0 })
        {
            response["patchType"] = "JSONPatch";
            response["patch"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(patch.ToJsonString()));
        }

        return new JsonObject { ["apiVersion"] = ApiVersion, ["kind"] = "AdmissionReview", ["response"] = response };
    }

    private static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : o[name] is null ? null : throw new FormatException($"{name} must be a string");

    private static JsonObject? Object(JsonObject o, string name) =>
        o[name] switch
        {
            null => null,
            JsonObject obj => obj,
            _ => throw new FormatException($"request.{name} must be an object"),
        };

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        node switch
        {
            null => [],
            JsonArray a => [.. a.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new FormatException("userInfo lists must hold strings"))],
            _ => throw new FormatException("userInfo groups and extra values must be lists of strings"),
        };
}
