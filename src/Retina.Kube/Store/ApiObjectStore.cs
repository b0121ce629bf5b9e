using System.Globalization;
using System.Text.Json.Nodes;
using Retina.Kube.Client;
using Retina.Kube.Json;
using Retina.Kube.Selectors;

namespace Retina.Kube.Store;

/// <summary>
/// The API server's object semantics without HTTP: a monotonic resourceVersion, uid and creationTimestamp,
/// generation bumped only by spec changes, the status subresource, finalizers and deletionTimestamp,
/// optimistic concurrency (409 on a stale resourceVersion), and watches with a bounded event history
/// (410 Expired for versions older than the history). Objects are JSON trees; stored trees are never mutated.
/// Used by the local-mode store and by the test fake API server.
/// </summary>
public sealed class ApiObjectStore
{
    private readonly Lock gate = new();
    private readonly TimeProvider time;
    private readonly int historyLimit;
    private readonly Dictionary<string, ResourceDescriptor> resources = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Resource, string Namespace, string Name), JsonObject> objects = [];
    private readonly Queue<StoreEvent> history = new();
    private readonly List<StoreWatch> watchers = [];
    private long resourceVersion;
    private long compactedVersion;

    public ApiObjectStore(TimeProvider? timeProvider = null, int historyLimit = 1000)
    {
        time = timeProvider ?? TimeProvider.System;
        this.historyLimit = historyLimit;
    }

    public long ResourceVersion
    {
        get
        {
            lock (gate)
            {
                return resourceVersion;
            }
        }
    }

    public IReadOnlyList<ResourceDescriptor> Resources
    {
        get
        {
            lock (gate)
            {
                return [.. resources.Values];
            }
        }
    }

    public void Register(ResourceDescriptor descriptor)
    {
        lock (gate)
        {
            resources[Key(descriptor)] = descriptor;
        }
    }

    public ResourceDescriptor? Find(string group, string version, string plural)
    {
        lock (gate)
        {
            return resources.TryGetValue(group + "/" + plural, out var d) && d.Version == version ? d : null;
        }
    }

    public ResourceDescriptor? FindByKind(string apiVersion, string kind)
    {
        lock (gate)
        {
            return resources.Values.FirstOrDefault(d => d.ApiVersion == apiVersion && d.Kind == kind);
        }
    }

    public JsonObject Get(ResourceDescriptor d, string? ns, string name)
    {
        lock (gate)
        {
            return (JsonObject)(Lookup(d, ns, name) ?? throw KubeApiException.NotFound(d, name)).DeepClone();
        }
    }

    public (List<JsonObject> Items, long ResourceVersion) List(ResourceDescriptor d, string? ns, LabelSelector labels, FieldSelector fields)
    {
        lock (gate)
        {
            var probe = new StoreWatch(this, d, NormalizeFilterNamespace(d, ns), labels, fields);
            var items = objects.Where(p => p.Key.Resource == Key(d)).Select(p => p.Value).Where(probe.Matches)
                .OrderBy(o => (string?)o["metadata"]?["namespace"], StringComparer.Ordinal)
                .ThenBy(o => (string?)o["metadata"]?["name"], StringComparer.Ordinal)
                .Select(o => (JsonObject)o.DeepClone()).ToList();
            return (items, resourceVersion);
        }
    }

    /// <summary>Starts a watch. Without a version (or "0") it begins with ADDED for every matching object.</summary>
    public StoreWatch Watch(ResourceDescriptor d, string? ns, LabelSelector labels, FieldSelector fields, long? fromVersion)
    {
        lock (gate)
        {
            var watch = new StoreWatch(this, d, NormalizeFilterNamespace(d, ns), labels, fields);
            if (fromVersion is null or 0)
            {
                foreach (var (key, obj) in objects)
                {
                    if (key.Resource == Key(d))
                    {
                        watch.Offer(new StoreEvent(d, WatchEventKind.Added, obj, null, Version(obj)));
                    }
                }
            }
            else if (fromVersion < compactedVersion)
            {
                throw KubeApiException.Gone($"too old resource version: {fromVersion} ({compactedVersion})");
            }
            else
            {
                foreach (var e in history)
                {
                    if (e.ResourceVersion > fromVersion)
                    {
                        watch.Offer(e);
                    }
                }
            }

            watchers.Add(watch);
            return watch;
        }
    }

    /// <summary>Forgets the event history: any watch from a version older than now gets 410.</summary>
    public void CompactHistory()
    {
        lock (gate)
        {
            history.Clear();
            compactedVersion = resourceVersion;
        }
    }

    public JsonObject Create(ResourceDescriptor d, string? ns, JsonObject body)
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

            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Now();
            meta["generation"] = 1L;
            meta.Remove("deletionTimestamp");
            if (d.HasStatusSubresource)
            {
                obj.Remove("status");
            }

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

    /// <summary>Deletes the object, or only marks it (deletionTimestamp) while finalizers remain.</summary>
    public JsonObject Delete(ResourceDescriptor d, string? ns, string name)
    {
        lock (gate)
        {
            var current = Lookup(d, ns, name) ?? throw KubeApiException.NotFound(d, name);
            var next = (JsonObject)current.DeepClone();
            var meta = (JsonObject)next["metadata"]!;
            if (meta["finalizers"] is JsonArray { Count: > 0 })
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

    internal void Unsubscribe(StoreWatch watch)
    {
        lock (gate)
        {
            watchers.Remove(watch);
        }
    }

    internal bool TryGetBookmark(StoreWatch watch, out long version)
    {
        lock (gate)
        {
            version = resourceVersion;
            return watch.Reader.Count == 0;
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

    private void Publish(StoreEvent e)
    {
        history.Enqueue(e);
        while (history.Count > historyLimit)
        {
            compactedVersion = history.Dequeue().ResourceVersion;
        }

        foreach (var watch in watchers)
        {
            watch.Offer(e);
        }
    }

    private JsonObject? Lookup(ResourceDescriptor d, string? ns, string name) =>
        objects.GetValueOrDefault((Key(d), NormalizeObjectNamespace(d, ns), name));

    private void Put(ResourceDescriptor d, JsonObject obj) =>
        objects[(Key(d), (string?)obj["metadata"]?["namespace"] ?? "", (string)obj["metadata"]!["name"]!)] = obj;

    private void Remove(ResourceDescriptor d, JsonObject obj) =>
        objects.Remove((Key(d), (string?)obj["metadata"]?["namespace"] ?? "", (string)obj["metadata"]!["name"]!));

    private static string NormalizeObjectNamespace(ResourceDescriptor d, string? ns)
    {
        if (!d.Namespaced)
        {
            return "";
        }

        return string.IsNullOrEmpty(ns) ? throw KubeApiException.BadRequest($"{d.Kind} is namespaced: a namespace is required") : ns;
    }

    private static string? NormalizeFilterNamespace(ResourceDescriptor d, string? ns) =>
        d.Namespaced && !string.IsNullOrEmpty(ns) ? ns : null;

    private static long Generation(JsonObject obj) => obj["metadata"]?["generation"] switch
    {
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<int>(out var i) => i,
        JsonValue v when v.TryGetValue<System.Text.Json.JsonElement>(out var e) && e.TryGetInt64(out var n) => n,
        _ => 0,
    };

    private static long Version(JsonObject obj) =>
        long.TryParse((string?)obj["metadata"]?["resourceVersion"], CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static string Key(ResourceDescriptor d) => d.Group + "/" + d.Plural;

    private string Next() => (++resourceVersion).ToString(CultureInfo.InvariantCulture);

    private string Now() => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
