using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;

namespace Retina.Kube.Schema;

/// <summary>
/// The parts of a structural CRD schema that JSON Schema (draft 4, what NJsonSchema checks) has no word for, done as
/// the API server does them on every write, in its order: unknown fields are pruned (except under
/// <c>x-kubernetes-preserve-unknown-fields</c>), nulls of non-nullable fields are dropped, <c>default:</c> values are
/// filled in; then <c>x-kubernetes-int-or-string</c> is checked, and a copy without the <c>nullable</c> nulls goes to the
/// JSON Schema validator (which would otherwise call a null "not a string").
/// Only the structural part of a schema is walked (properties, additionalProperties, items), as the server does:
/// fields named only inside allOf/anyOf/oneOf/not do not exist for pruning.
/// </summary>
public static class StructuralSchema
{
    /// <summary>Prunes, drops non-nullable nulls and applies defaults in place; int-or-string violations become causes.</summary>
    public static void Normalize(JsonNode node, JsonObject schema, string path, List<V1StatusCause> causes)
    {
        if (IsTrue(schema, "x-kubernetes-int-or-string") && node is JsonValue v && v.GetValueKind() is not (JsonValueKind.Number or JsonValueKind.String))
        {
            causes.Add(new V1StatusCause
            {
                Reason = "FieldValueTypeInvalid",
                Field = path,
                Message = $"Invalid value: \"{SchemaCauses.TypeName(node)}\": {path} in body must be of type int-or-string: \"{SchemaCauses.TypeName(node)}\"",
            });
            return;
        }

        switch (node)
        {
            case JsonObject obj:
                NormalizeObject(obj, schema, path, causes);
                break;
            case JsonArray array when schema["items"] is JsonObject items:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item)
                    {
                        Normalize(item, items, $"{path}[{i}]", causes);
                    }
                }

                break;
        }
    }

    /// <summary>A copy for the JSON Schema validator: null values that the schema declares <c>nullable</c> removed.</summary>
    public static JsonNode? WithoutNullableNulls(JsonNode? node, JsonObject? schema)
    {
        if (schema is null || node is null)
        {
            return node?.DeepClone();
        }

        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (name, value) in obj)
                {
                    var child = PropertySchema(schema, name);
                    if (value is null && child is not null && IsTrue(child, "nullable"))
                    {
                        continue;
                    }

                    copy[name] = WithoutNullableNulls(value, child);
                }

                return copy;
            case JsonArray array:
                return new JsonArray([.. array.Select(i => WithoutNullableNulls(i, schema["items"] as JsonObject))]);
            default:
                return node.DeepClone();
        }
    }

    private static void NormalizeObject(JsonObject obj, JsonObject schema, string path, List<V1StatusCause> causes)
    {
        var properties = schema["properties"] as JsonObject;
        var preserve = IsTrue(schema, "x-kubernetes-preserve-unknown-fields");
        foreach (var name in obj.Select(p => p.Key).ToList())
        {
            var child = PropertySchema(schema, name);
            if (child is null)
            {
                if (!preserve && !(path.Length == 0 && name is "apiVersion" or "kind" or "metadata"))
                {
                    obj.Remove(name);
                }

                continue;
            }

            if (obj[name] is null && !IsTrue(child, "nullable"))
            {
                obj.Remove(name);
            }
        }

        if (properties is not null)
        {
            foreach (var (name, child) in properties)
            {
                if (!obj.ContainsKey(name) && child?["default"] is { } value)
                {
                    obj[name] = value.DeepClone();
                }
            }
        }

        foreach (var (name, value) in obj.ToList())
        {
            // metadata belongs to ObjectMeta, not to the CRD's schema (which says only "type: object").
            if (value is not null && PropertySchema(schema, name) is { } child && !(path.Length == 0 && name == "metadata"))
            {
                Normalize(value, child, path.Length == 0 ? name : $"{path}.{name}", causes);
            }
        }
    }

    private static JsonObject? PropertySchema(JsonObject schema, string name) =>
        schema["properties"]?[name] as JsonObject ?? schema["additionalProperties"] as JsonObject;

    private static bool IsTrue(JsonObject schema, string keyword) =>
        schema[keyword] is JsonValue v && v.GetValueKind() == JsonValueKind.True;
}
