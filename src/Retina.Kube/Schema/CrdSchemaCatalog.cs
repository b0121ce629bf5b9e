using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Retina.Kube.Store;

namespace Retina.Kube.Schema;

/// <summary>CRDs by group and kind (served version only): what a real API server validates our kinds against.</summary>
public static class CrdSchemaCatalog
{
    /// <summary>Every <c>CustomResourceDefinition</c> in the YAML files of <paramref name="directory"/>.</summary>
    public static IReadOnlyDictionary<(string Group, string Kind), CrdSchema> Load(string directory) =>
        Parse(Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal).Select(File.ReadAllText));

    /// <summary>Every <c>CustomResourceDefinition</c> in these YAML texts (e.g. CRDs embedded in an assembly).</summary>
    public static IReadOnlyDictionary<(string Group, string Kind), CrdSchema> Parse(IEnumerable<string> yamlTexts)
    {
        var schemas = new ConcurrentDictionary<(string, string), CrdSchema>();
        foreach (var text in yamlTexts)
        {
            foreach (var doc in YamlJson.ParseAll(text))
            {
                if ((string?)doc["kind"] != "CustomResourceDefinition" || doc["spec"] is not JsonObject spec)
                {
                    continue;
                }

                var group = (string)spec["group"]!;
                var kind = (string)spec["names"]!["kind"]!;
                var version = (spec["versions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(v => (bool?)v["storage"] == true)
                    ?? throw new InvalidOperationException($"{kind}.{group} has no storage version");
                var schema = version["schema"]?["openAPIV3Schema"] as JsonObject
                    ?? throw new InvalidOperationException($"{kind}.{group} has no openAPIV3Schema");
                schemas[(group, kind)] = new CrdSchema(group, kind, schema);
            }
        }

        return schemas;
    }
}
