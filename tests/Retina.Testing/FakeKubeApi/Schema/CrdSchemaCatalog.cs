using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Retina.Kube.Store;
using Retina.Testing.Repo;

namespace Retina.Testing.FakeKubeApi.Schema;

/// <summary>The CRDs committed in <c>crds/</c>, read once per process, by group and kind (served version only).</summary>
public static class CrdSchemaCatalog
{
    private static readonly Lazy<IReadOnlyDictionary<(string Group, string Kind), CrdSchema>> Committed = new(() => Load(RepoPaths.Combine("crds")));

    /// <summary>The schemas of the CRDs in the repository's <c>crds/</c> folder.</summary>
    public static IReadOnlyDictionary<(string Group, string Kind), CrdSchema> Repository => Committed.Value;

    /// <summary>Every <c>CustomResourceDefinition</c> in the YAML files of <paramref name="directory"/>.</summary>
    public static IReadOnlyDictionary<(string Group, string Kind), CrdSchema> Load(string directory)
    {
        var schemas = new ConcurrentDictionary<(string, string), CrdSchema>();
        foreach (var file in Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            foreach (var doc in YamlJson.ParseAll(File.ReadAllText(file)))
            {
                if ((string?)doc["kind"] != "CustomResourceDefinition" || doc["spec"] is not JsonObject spec)
                {
                    continue;
                }

                var group = (string)spec["group"]!;
                var kind = (string)spec["names"]!["kind"]!;
                var version = (spec["versions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(v => (bool?)v["storage"] == true)
                    ?? throw new InvalidOperationException($"{file}: {kind} has no storage version");
                var schema = version["schema"]?["openAPIV3Schema"] as JsonObject
                    ?? throw new InvalidOperationException($"{file}: {kind} has no openAPIV3Schema");
                schemas[(group, kind)] = new CrdSchema(group, kind, schema);
            }
        }

        return schemas;
    }
}
