using System.Text.Json.Nodes;

namespace Retina.Controllers.Admission;

/// <summary>
/// The <c>retina.sh/requested-by</c> annotation: who created the object, from the API server's <c>userInfo</c>, for
/// events and audit. Stamped on CREATE; on UPDATE the stored value is kept whatever the write says, so it can be
/// neither forged nor changed (an object created before the webhook was installed has none, and none can be added).
/// </summary>
public static class RequestedBy
{
    public const string Annotation = "retina.sh/requested-by";

    /// <summary>The kinds that carry it.</summary>
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "Capture", "TraceSession", "ShellSession", "CapturePolicy", "MetricsConfiguration",
    };

    /// <summary>The value the annotation must have after this write (null: absent).</summary>
    public static string? Expected(AdmissionOperation operation, JsonObject? oldObject, string username) =>
        operation == AdmissionOperation.Create ? username : Read(oldObject);

    public static string? Read(JsonObject? obj) => (string?)obj?["metadata"]?["annotations"]?[Annotation];

    /// <summary>The JSONPatch (RFC 6902) operations that make <paramref name="obj"/> carry <paramref name="expected"/>; empty when it does.</summary>
    public static JsonArray Patch(JsonObject obj, string? expected)
    {
        if (Read(obj) == expected)
        {
            return [];
        }

        const string escaped = "retina.sh~1requested-by";
        if (expected is null)
        {
            return [new JsonObject { ["op"] = "remove", ["path"] = "/metadata/annotations/" + escaped }];
        }

        if (obj["metadata"]?["annotations"] is not JsonObject)
        {
            return [new JsonObject { ["op"] = "add", ["path"] = "/metadata/annotations", ["value"] = new JsonObject { [Annotation] = expected } }];
        }

        return [new JsonObject { ["op"] = "add", ["path"] = "/metadata/annotations/" + escaped, ["value"] = expected }];
    }
}
