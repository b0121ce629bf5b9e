using System.Text.Json.Nodes;
using k8s.Models;
using Retina.CrdGen.Tests.Crds;
using Retina.Kube.Schema;

namespace Retina.CrdGen.Tests.Samples;

/// <summary>
/// kubectl's default <c>--validate=strict</c>: the fields the API server would prune as unknown. The server's own
/// pruning (<see cref="StructuralSchema.Normalize"/>) runs on a copy; every path of the original missing afterwards is unknown.
/// </summary>
public static class StrictFields
{
    public static IReadOnlyList<string> Unknown(JsonObject resource)
    {
        var kind = resource["kind"]!.GetValue<string>();
        var schema = (JsonObject)CrdSchemas.LoadCrd(kind)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;
        var pruned = (JsonObject)resource.DeepClone();
        StructuralSchema.Normalize(pruned, schema, "", new List<V1StatusCause>());
        var unknown = new List<string>();
        Compare(resource, pruned, "", unknown);
        return unknown;
    }

    private static void Compare(JsonNode? original, JsonNode? kept, string path, List<string> unknown)
    {
        switch (original)
        {
            case JsonObject o when path != "metadata":
                foreach (var (name, value) in o)
                {
                    var child = path.Length == 0 ? name : $"{path}.{name}";
                    if (kept is not JsonObject k || !k.ContainsKey(name))
                    {
                        if (value is not null)
                        {
                            unknown.Add(child);
                        }

                        continue;
                    }

                    Compare(value, k[name], child, unknown);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    Compare(a[i], kept is JsonArray k && i < k.Count ? k[i] : null, $"{path}[{i}]", unknown);
                }

                break;
        }
    }
}
