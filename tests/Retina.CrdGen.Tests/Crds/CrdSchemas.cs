using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;
using Retina.Testing.Repo;
using Retina.Kube.Store;

namespace Retina.CrdGen.Tests.Crds;

/// <summary>The committed CRDs' openAPIV3Schemas, as NJsonSchema validators, by kind.</summary>
public static class CrdSchemas
{
    private static readonly ConcurrentDictionary<string, JsonSchema> Cache = new();

    public static JsonObject LoadCrd(string kind)
    {
        foreach (var file in Directory.GetFiles(RepoPaths.Combine("crds"), "retina.sh_*.yaml"))
        {
            var crd = YamlJson.ParseAll(File.ReadAllText(file)).Single();
            if (crd["spec"]!["names"]!["kind"]!.GetValue<string>() == kind)
            {
                return crd;
            }
        }

        throw new InvalidOperationException($"no CRD for kind {kind} in crds/");
    }

    public static JsonSchema For(string kind) => Cache.GetOrAdd(kind, k =>
    {
        var schema = LoadCrd(k)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;
        return JsonSchema.FromJsonAsync(schema.ToJsonString()).GetAwaiter().GetResult();
    });

    /// <summary>Every schema error, flattened, with paths in Kubernetes form (<c>spec.a.b[0]</c>).</summary>
    public static IReadOnlyList<SchemaError> Validate(JsonObject resource)
    {
        var kind = resource["kind"]!.GetValue<string>();
        var errors = For(kind).Validate(resource.ToJsonString());
        return Flatten(errors).Select(e => new SchemaError(Normalize(e.Path), e.Kind.ToString(), e.ToString())).ToList();
    }

    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors) =>
        errors.SelectMany(e => e is ChildSchemaValidationError child
            ? new[] { e }.Concat(Flatten(child.Errors.SelectMany(kv => kv.Value)))
            : [e]);

    private static string Normalize(string? path) => (path ?? "").TrimStart('#').TrimStart('/');
}

public sealed record SchemaError(string Path, string Kind, string Message);
