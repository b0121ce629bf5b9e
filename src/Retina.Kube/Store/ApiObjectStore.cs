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
public sealed partial class ApiObjectStore
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
    private readonly IStoreAdmission? admission;

    public ApiObjectStore(TimeProvider? timeProvider = null, int historyLimit = 1000, IStoreAdmission? admission = null)
    {
        time = timeProvider ?? TimeProvider.System;
        this.historyLimit = historyLimit;
        this.admission = admission;
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
