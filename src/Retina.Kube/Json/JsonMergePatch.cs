using System.Text.Json.Nodes;

namespace Retina.Kube.Json;

/// <summary>RFC 7386 JSON merge patch: apply one, or compute the patch that turns one document into another.</summary>
public static class JsonMergePatch
{
    /// <summary>Returns a new document: <paramref name="target"/> with <paramref name="patch"/> applied.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result.TryGetPropertyValue(name, out var existing);
                result[name] = Apply(existing, value);
            }
        }

        return result;
    }

    /// <summary>
    /// The merge patch that turns <paramref name="from"/> into <paramref name="to"/>, or null when they are equal.
    /// Removed members become nulls; arrays are replaced whole.
    /// </summary>
    public static JsonNode? Diff(JsonNode? from, JsonNode? to)
    {
        if (from is JsonObject f && to is JsonObject t)
        {
            var patch = new JsonObject();
            foreach (var (name, value) in f)
            {
                if (!t.ContainsKey(name))
                {
                    patch[name] = null;
                }
                else
                {
                    var sub = Diff(value, t[name]);
                    if (sub is not null || (t[name] is null && value is not null))
                    {
                        patch[name] = sub;
                    }
                }
            }

            foreach (var (name, value) in t)
            {
                if (!f.ContainsKey(name) && value is not null)
                {
                    patch[name] = value.DeepClone();
                }
            }

            return patch.Count == 0 ? null : patch;
        }

        return JsonNode.DeepEquals(from, to) ? null : to?.DeepClone();
    }
}
