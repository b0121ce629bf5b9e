using System.Text.Json.Nodes;
using Retina.Kube.Client;
using Retina.Kube.Json;

namespace Retina.Kube.Store;

/// <summary>The write side: create, update (PUT), patch and delete, with the API's metadata rules.</summary>
public sealed partial class ApiObjectStore
{
    /// <summary>Creates an object. With <paramref name="restoreIdentity"/> (local mode reloading its own records), a uid and
    /// creationTimestamp in the body are kept, so an object keeps its identity and age across restarts.</summary>
    public JsonObject Create(ResourceDescriptor d, string? ns, JsonObject body, bool restoreIdentity = false)
    {
        lock (gate)
        {
            var obj = (JsonObject)body.DeepClone();
            var meta = KubeJson.EnsureObject(obj, "metadata");
            var name = (string?)meta["name"];
            if (string.IsNullOrEmpty(name))
            {
                var prefix = (string?)meta["generateName"] ?? throw KubeApiException.Invalid("metadata.name or metadata.generateName is required");
                name = prefix + Guid.NewGuid().ToString("N")[..5];
            }

            var namespaceValue = NormalizeObjectNamespace(d, ns ?? (string?)meta["namespace"]);
            if (objects.ContainsKey((Key(d), namespaceValue, name)))
            {
                throw KubeApiException.AlreadyExists(d, name);
            }

            obj["apiVersion"] = d.ApiVersion;
            obj["kind"] = d.Kind;
            meta["name"] = name;
            if (d.Namespaced)
            {
                meta["namespace"] = namespaceValue;
            }
            else
            {
                meta.Remove("namespace");
            }

            var restored = restoreIdentity && meta["uid"] is not null && meta["creationTimestamp"] is not null;
            if (!restored)
            {
                meta["uid"] = Guid.NewGuid().ToString();
                meta["creationTimestamp"] = Now();
            }

            meta["generation"] = 1L;
            meta.Remove("deletionTimestamp");
            if (d.HasStatusSubresource)
            {
                obj.Remove("status");
            }

            admission?.Admit(d, obj, StoreWriteScope.Object);
            meta["resourceVersion"] = Next();
            objects[(Key(d), namespaceValue, name)] = obj;
            Publish(new StoreEvent(d, WatchEventKind.Added, obj, null, resourceVersion));
            return (JsonObject)obj.DeepClone();
        }
    }

    /// <summary>PUT of the object or of its status subresource.</summary>
    public JsonObject Update(ResourceDescriptor d, string? ns, string name, JsonObject body, bool statusSubresource)
    {
        lock (gate)
        {
            var current = Lookup(d, ns, name) ?? throw KubeApiException.NotFound(d, name);
            var bodyName = (string?)body["metadata"]?["name"];
            if (!string.IsNullOrEmpty(bodyName) && bodyName != name)
            {
                throw KubeApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }

            return Replace(d, current, body, statusSubresource);
        }
    }

    public JsonObject Patch(ResourceDescriptor d, string? ns, string name, KubePatch patch, bool statusSubresource)
    {
        lock (gate)
        {
            var current = Lookup(d, ns, name) ?? throw KubeApiException.NotFound(d, name);
            JsonNode? parsed;
            try
            {
                parsed = JsonNode.Parse(patch.Body);
            }
            catch (System.Text.Json.JsonException e)
            {
                throw KubeApiException.BadRequest("invalid patch: " + e.Message);
            }

            var patched = patch.Type == PatchType.Json
                ? JsonPatch.Apply(current, parsed as JsonArray ?? throw KubeApiException.BadRequest("a json patch must be an array"))
                : JsonMergePatch.Apply(current, parsed);
            return Replace(d, current, patched as JsonObject ?? throw KubeApiException.Invalid("patch result is not an object"), statusSubresource);
        }
    }

    /// <summary>
    /// Deletes the object, or only marks it (deletionTimestamp) while finalizers remain. With
    /// <paramref name="gracePeriod"/> (a pod's graceful deletion) it is only marked, with <c>deletionGracePeriodSeconds</c>,
    /// and stays until a later delete without one removes it (the kubelet's confirmation).
    /// </summary>
    public JsonObject Delete(ResourceDescriptor d, string? ns, string name, TimeSpan? gracePeriod = null)
    {
        lock (gate)
        {
            var current = Lookup(d, ns, name) ?? throw KubeApiException.NotFound(d, name);
            var next = (JsonObject)current.DeepClone();
            var meta = (JsonObject)next["metadata"]!;
            if (gracePeriod is { } grace && meta["deletionTimestamp"] is null)
            {
                meta["deletionTimestamp"] = Now();
                meta["deletionGracePeriodSeconds"] = (long)Math.Ceiling(grace.TotalSeconds);
                meta["generation"] = Generation(current) + 1;
                meta["resourceVersion"] = Next();
                Put(d, next);
                Publish(new StoreEvent(d, WatchEventKind.Modified, next, current, resourceVersion));
                return (JsonObject)next.DeepClone();
            }

            if (gracePeriod is not null || meta["finalizers"] is JsonArray { Count: > 0 })
            {
                if (meta["deletionTimestamp"] is not null)
                {
                    return next;
                }

                meta["deletionTimestamp"] = Now();
                meta["generation"] = Generation(current) + 1;
                meta["resourceVersion"] = Next();
                Put(d, next);
                Publish(new StoreEvent(d, WatchEventKind.Modified, next, current, resourceVersion));
                return (JsonObject)next.DeepClone();
            }

            meta["resourceVersion"] = Next();
            Remove(d, next);
            Publish(new StoreEvent(d, WatchEventKind.Deleted, next, current, resourceVersion));
            return (JsonObject)next.DeepClone();
        }
    }

    private JsonObject Replace(ResourceDescriptor d, JsonObject current, JsonObject body, bool statusSubresource)
    {
        var currentMeta = (JsonObject)current["metadata"]!;
        var requested = (string?)body["metadata"]?["resourceVersion"];
        if (!string.IsNullOrEmpty(requested) && requested != (string?)currentMeta["resourceVersion"])
        {
            throw KubeApiException.Conflict(d, (string)currentMeta["name"]!);
        }

        JsonObject next;
        if (statusSubresource)
        {
            next = (JsonObject)current.DeepClone();
            SetOrRemove(next, "status", body["status"]);
        }
        else
        {
            next = (JsonObject)body.DeepClone();
            if (d.HasStatusSubresource)
            {
                SetOrRemove(next, "status", current["status"]);
            }

            var meta = KubeJson.EnsureObject(next, "metadata");
            foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "generation", "deletionTimestamp" })
            {
                SetOrRemove(meta, field, currentMeta[field]);
            }

            if (meta["finalizers"] is JsonArray { Count: 0 })
            {
                meta.Remove("finalizers");
            }
        }

        next["apiVersion"] = d.ApiVersion;
        next["kind"] = d.Kind;
        admission?.Admit(d, next, statusSubresource ? StoreWriteScope.Status : StoreWriteScope.Object);
        var nextMeta = (JsonObject)next["metadata"]!;
        nextMeta["resourceVersion"] = currentMeta["resourceVersion"]?.DeepClone();
        if (JsonNode.DeepEquals(next, current))
        {
            return (JsonObject)current.DeepClone();
        }

        if (!JsonNode.DeepEquals(WithoutMetaAndStatus(next), WithoutMetaAndStatus(current)))
        {
            nextMeta["generation"] = Generation(current) + 1;
        }

        nextMeta["resourceVersion"] = Next();
        if (nextMeta["deletionTimestamp"] is not null && nextMeta["finalizers"] is not JsonArray { Count: > 0 })
        {
            Remove(d, next);
            Publish(new StoreEvent(d, WatchEventKind.Deleted, next, current, resourceVersion));
        }
        else
        {
            Put(d, next);
            Publish(new StoreEvent(d, WatchEventKind.Modified, next, current, resourceVersion));
        }

        return (JsonObject)next.DeepClone();
    }

    private static JsonObject WithoutMetaAndStatus(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Remove("metadata");
        copy.Remove("status");
        return copy;
    }

    private static void SetOrRemove(JsonObject target, string name, JsonNode? value)
    {
        if (value is null)
        {
            target.Remove(name);
        }
        else
        {
            target[name] = value.DeepClone();
        }
    }
}
