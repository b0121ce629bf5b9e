using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Retina.Kube.Client;

namespace Retina.Kube.Store;

/// <summary>Reads every YAML/JSON file under a directory into objects keyed by kind, namespace and name.</summary>
internal static partial class FileSourceScanner
{
    /// <param name="FailedFiles">Each file that could not be read, with the reason (shown by <c>retina get</c>).</param>
    public sealed record Result(Dictionary<FileObjectKey, (ResourceDescriptor Resource, JsonObject Object, string File)> Objects, Dictionary<string, string> FailedFiles);

    public static Result Scan(string directory, ApiObjectStore store, ILogger logger, IStoreAdmission? admission = null)
    {
        var objects = new Dictionary<FileObjectKey, (ResourceDescriptor, JsonObject, string)>();
        var failed = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            List<JsonObject> documents;
            try
            {
                documents = YamlJson.ParseFile(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or YamlInputException)
            {
                // A file being written or a typo: keep what it held before until it reads cleanly.
                LogUnreadable(logger, file, e.Message);
                failed[file] = e.Message;
                continue;
            }

            foreach (var doc in documents)
            {
                var apiVersion = (string?)doc["apiVersion"] ?? "";
                var kind = (string?)doc["kind"] ?? "";
                var name = (string?)doc["metadata"]?["name"];
                var d = store.FindByKind(apiVersion, kind);
                if (d is null || string.IsNullOrEmpty(name))
                {
                    LogSkipped(logger, file, apiVersion, kind);
                    continue;
                }

                if (Refusal(admission, d, doc) is { } refused)
                {
                    LogRefused(logger, file, refused);
                    failed[file] = failed.TryGetValue(file, out var earlier) ? earlier + "\n" + refused : refused;
                    continue;
                }

                var ns = d.Namespaced ? ((string?)doc["metadata"]?["namespace"] ?? "default") : null;
                objects[new FileObjectKey(d.Group + "/" + d.Plural, ns, name)] = (d, doc, file);
            }
        }

        return new Result(objects, failed);
    }

    /// <summary>The API server's refusal of this document (422 with its causes), checked on a copy; null when it would be stored.</summary>
    private static string? Refusal(IStoreAdmission? admission, ResourceDescriptor d, JsonObject doc)
    {
        if (admission is null)
        {
            return null;
        }

        try
        {
            admission.Admit(d, (JsonObject)doc.DeepClone(), StoreWriteScope.Object);
            return null;
        }
        catch (KubeApiException e)
        {
            return AsKubectlPrintsIt(e);
        }
    }

    /// <summary>kubectl's words for a 422: <c>The Capture "x" is invalid: spec.a: …</c>, one <c>* field: …</c> line per cause when several.</summary>
    private static string AsKubectlPrintsIt(KubeApiException e)
    {
        if (e.Status.Details is not { Causes: { Count: > 0 } causes } details)
        {
            return e.Message;
        }

        var head = $"The {details.Kind} \"{details.Name}\" is invalid: ";
        return causes.Count == 1
            ? head + $"{causes[0].Field}: {causes[0].Message}"
            : head + string.Concat(causes.Select(c => $"\n* {c.Field}: {c.Message}"));
    }

    [LoggerMessage(EventId = 612, Level = LogLevel.Warning, Message = "Local store: {File} is refused as an API server would refuse it: {Reason}")]
    private static partial void LogRefused(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 610, Level = LogLevel.Warning, Message = "Local store: {File} is unreadable ({Reason}), keeping its previous objects")]
    private static partial void LogUnreadable(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 611, Level = LogLevel.Information, Message = "Local store: skipping a document in {File} ({ApiVersion} {Kind}): unknown kind or no name")]
    private static partial void LogSkipped(ILogger logger, string file, string apiVersion, string kind);
}
