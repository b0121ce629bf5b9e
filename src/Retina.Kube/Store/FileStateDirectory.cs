using System.Text.Json.Nodes;
using Retina.Kube.Client;

namespace Retina.Kube.Store;

/// <summary>
/// State files: <c>&lt;root&gt;/&lt;plural&gt;/&lt;namespace|_cluster&gt;/&lt;name&gt;.yaml</c>. For objects from the source directory
/// they hold only the status (marked by an annotation); for objects created through the client, the whole object.
/// </summary>
internal sealed class FileStateDirectory(string root)
{
    private const string StatusOnlyAnnotation = "retina.sh/local-state";
    private const string ClusterFolder = "_cluster";

    public static bool IsStatusOnly(JsonObject obj) => (string?)obj["metadata"]?["annotations"]?[StatusOnlyAnnotation] == "status";

    public string PathOf(ResourceDescriptor d, string? ns, string name) =>
        Path.Combine(root, d.Plural, string.IsNullOrEmpty(ns) ? ClusterFolder : ns, name + ".yaml");

    /// <summary>The files of the source directory that are not applied (unreadable, or refused as an API server would), with why.</summary>
    public string NotAppliedPath => Path.Combine(root, "not-applied.yaml");

    /// <summary>Writes <see cref="NotAppliedPath"/> (file → reason, in kubectl's words for a refusal), or removes it when every file applies.</summary>
    public void WriteNotApplied(IReadOnlyDictionary<string, string> files)
    {
        if (files.Count == 0)
        {
            File.Delete(NotAppliedPath);
            return;
        }

        var list = new JsonArray([.. files.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (JsonNode)new JsonObject { ["file"] = p.Key, ["reason"] = p.Value })]);
        Directory.CreateDirectory(root);
        var temp = NotAppliedPath + ".tmp";
        File.WriteAllText(temp, YamlJson.Write(new JsonObject { ["notApplied"] = list }));
        File.Move(temp, NotAppliedPath, overwrite: true);
    }

    public JsonObject? Read(ResourceDescriptor d, string? ns, string name)
    {
        var path = PathOf(d, ns, name);
        try
        {
            return File.Exists(path) ? YamlJson.ParseFile(path).FirstOrDefault() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or YamlInputException)
        {
            return null;
        }
    }

    public IEnumerable<(ResourceDescriptor Resource, string? Namespace, string Name, JsonObject Object)> ReadAll(ApiObjectStore store)
    {
        foreach (var d in store.Resources)
        {
            var dir = Path.Combine(root, d.Plural);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var nsDir in Directory.EnumerateDirectories(dir))
            {
                var folder = Path.GetFileName(nsDir);
                var ns = folder == ClusterFolder ? null : folder;
                foreach (var file in Directory.EnumerateFiles(nsDir, "*.yaml"))
                {
                    var name = Path.GetFileNameWithoutExtension(file);
                    if (Read(d, ns, name) is { } obj)
                    {
                        yield return (d, ns, name, obj);
                    }
                }
            }
        }
    }

    public void WriteStatus(ResourceDescriptor d, string? ns, string name, JsonObject obj)
    {
        if (obj["status"] is not JsonObject status)
        {
            Delete(d, ns, name);
            return;
        }

        var meta = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            meta["namespace"] = ns;
        }

        meta["annotations"] = new JsonObject { [StatusOnlyAnnotation] = "status" };
        foreach (var field in new[] { "uid", "creationTimestamp" })
        {
            if (obj["metadata"]?[field] is { } value)
            {
                meta[field] = value.DeepClone();
            }
        }

        Write(d, ns, name, new JsonObject
        {
            ["apiVersion"] = d.ApiVersion,
            ["kind"] = d.Kind,
            ["metadata"] = meta,
            ["status"] = status.DeepClone(),
        });
    }

    public void WriteObject(ResourceDescriptor d, string? ns, string name, JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        if (copy["metadata"] is JsonObject meta)
        {
            meta.Remove("resourceVersion");
            meta.Remove("managedFields");
        }

        Write(d, ns, name, copy);
    }

    public void Delete(ResourceDescriptor d, string? ns, string name)
    {
        var path = PathOf(d, ns, name);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private void Write(ResourceDescriptor d, string? ns, string name, JsonObject doc)
    {
        var path = PathOf(d, ns, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        File.WriteAllText(temp, YamlJson.Write(doc));
        File.Move(temp, path, overwrite: true);
    }
}
