using System.Collections.Concurrent;
using k8s.Models;

namespace Retina.NodeRuntime.Enrichment;

/// <summary>
/// IP → pod (namespace, name, workload, service, zone) for this node's pods and, in remote
/// context, every pod of the cluster. Fed by <see cref="EnrichmentFeed"/> (informers) or directly
/// by tests; lookups are lock-free, updates are serialised.
/// </summary>
/// <remarks>
/// Only pod addresses resolve. Node addresses deliberately do not, as in Retina: its cache maps a
/// node's address to the Node, but its enricher turns only pods into flow endpoints, so traffic from or
/// to a node (this one included) carries <c>unknown</c> context labels, like an address outside the
/// cluster. Host-network pods share their node's address and so name no address either
/// (<see cref="PodProjection.Addresses"/>). Nodes are watched only for their zone.
/// </remarks>
public sealed class EnrichmentCache
{
    private readonly object gate = new();
    private readonly ConcurrentDictionary<IpKey, PodInfo> byIp = new();
    private readonly Dictionary<string, PodRecord> pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, IDictionary<string, string>>> servicesByNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> zones = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> interned = new(StringComparer.Ordinal);
    private long version;

    public EnrichmentCache(string nodeName) => NodeName = nodeName;

    private sealed record PodRecord(PodInfo Info, IReadOnlyList<IpKey> Addresses, IDictionary<string, string>? Labels);

    /// <summary>The node this runtime runs on: its pods are "local".</summary>
    public string NodeName { get; }

    /// <summary>Raised (on the updating thread) after a pod left the cache or was replaced by a new incarnation.</summary>
    public event Action<PodInfo>? PodRemoved;

    /// <summary>Raised after any change of pods, addresses, services or zones.</summary>
    public event Action? Changed;

    /// <summary>Grows on every change: a cheap way to notice that something changed.</summary>
    public long Version => Interlocked.Read(ref version);

    public int PodCount
    {
        get
        {
            lock (gate)
            {
                return pods.Count;
            }
        }
    }

    public PodInfo? Lookup(IpKey ip) => byIp.TryGetValue(ip, out var p) ? p : null;

    public PodInfo? Lookup(System.Net.IPAddress ip) => Lookup(IpKey.From(ip));

    /// <summary>The pod's labels as sorted <c>key=value</c> pairs (empty when the pod is gone or has none): for trace records, not metrics.</summary>
    public IReadOnlyList<string> LabelsOf(PodInfo pod)
    {
        lock (gate)
        {
            return pods.TryGetValue(pod.Key, out var rec) && rec.Info.Uid == pod.Uid && rec.Labels is { Count: > 0 } labels
                ? [.. labels.Select(l => l.Key + "=" + l.Value).Order(StringComparer.Ordinal)]
                : [];
        }
    }

    /// <summary>Every pod with its addresses (a snapshot).</summary>
    public IReadOnlyList<(PodInfo Pod, IReadOnlyList<IpKey> Addresses)> Pods()
    {
        lock (gate)
        {
            return pods.Values.Select(r => (r.Info, r.Addresses)).ToList();
        }
    }

    /// <summary>Adds or replaces a pod (an informer's add or update).</summary>
    public void UpsertPod(V1Pod pod)
    {
        var (kind, workload) = PodProjection.Workload(pod);
        Upsert(pod.Metadata?.NamespaceProperty ?? "", pod.Metadata?.Name ?? "", pod.Metadata?.Uid ?? "", pod.Spec?.NodeName ?? "",
            PodProjection.Addresses(pod), kind, workload, pod.Metadata?.Labels);
    }

    /// <summary>
    /// Adds or replaces a pod from its slim projection (remote context). An endpoint of this node's pod is ignored: those
    /// come from the field-selected pod watch, which does not wait for the controllers.
    /// </summary>
    public void UpsertEndpoint(Api.RetinaEndpoint.RetinaEndpoint endpoint)
    {
        var spec = endpoint.Spec;
        var node = spec.NodeName ?? "";
        if (node == NodeName)
        {
            return;
        }

        var addresses = new List<IpKey>(2);
        foreach (var ip in spec.PodIps ?? [])
        {
            if (IpKey.TryParse(ip, out var k) && !addresses.Contains(k))
            {
                addresses.Add(k);
            }
        }

        Upsert(endpoint.Metadata?.NamespaceProperty ?? "", endpoint.Metadata?.Name ?? "", spec.PodUid ?? "", node,
            addresses, spec.WorkloadKind ?? "", spec.WorkloadName ?? "", spec.Labels);
    }

    /// <summary>Removes a pod whose endpoint was deleted, unless it is this node's (the pod watch owns those).</summary>
    public void DeleteEndpoint(Api.RetinaEndpoint.RetinaEndpoint endpoint)
    {
        if ((endpoint.Spec.NodeName ?? "") != NodeName)
        {
            DeletePod(endpoint.Metadata?.NamespaceProperty ?? "", endpoint.Metadata?.Name ?? "");
        }
    }

    private void Upsert(string ns, string name, string uid, string node, IReadOnlyList<IpKey> addresses, string kind, string workload, IDictionary<string, string>? labels)
    {
        if (name.Length == 0)
        {
            return;
        }

        PodInfo? removed = null;
        lock (gate)
        {
            var key = ns + "/" + name;
            var info = new PodInfo(
                Intern(ns), name, uid, Intern(node), Intern(kind), workload,
                ServiceFor(ns, labels), ZoneOf(node), node == NodeName);
            if (pods.TryGetValue(key, out var old))
            {
                if (old.Info == info && old.Addresses.SequenceEqual(addresses))
                {
                    return;
                }

                Unindex(old);
                if (old.Info.Uid != info.Uid || !old.Addresses.SequenceEqual(addresses))
                {
                    removed = old.Info;
                }
            }

            var rec = new PodRecord(info, addresses, labels);
            pods[key] = rec;
            Index(rec);
            Interlocked.Increment(ref version);
        }

        if (removed is not null)
        {
            PodRemoved?.Invoke(removed);
        }

        Changed?.Invoke();
    }

    /// <summary>Removes a pod (an informer's delete).</summary>
    public void DeletePod(string ns, string name)
    {
        PodRecord? old;
        lock (gate)
        {
            if (!pods.Remove(ns + "/" + name, out old))
            {
                return;
            }

            Unindex(old);
            Interlocked.Increment(ref version);
        }

        PodRemoved?.Invoke(old.Info);
        Changed?.Invoke();
    }

    /// <summary>Adds, replaces or (with a null selector) removes a service, and re-derives the service of its namespace's pods.</summary>
    public void SetService(string ns, string name, IDictionary<string, string>? selector)
    {
        lock (gate)
        {
            if (!servicesByNamespace.TryGetValue(ns, out var services))
            {
                services = new Dictionary<string, IDictionary<string, string>>(StringComparer.Ordinal);
                servicesByNamespace[ns] = services;
            }

            if (selector is null or { Count: 0 })
            {
                services.Remove(name);
            }
            else
            {
                services[name] = new Dictionary<string, string>(selector);
            }

            Refresh(r => r.Info.Namespace == ns);
        }

        Changed?.Invoke();
    }

    /// <summary>Sets (or, with null, forgets) the zone of a node, and re-derives the zone of its pods.</summary>
    public void SetNodeZone(string node, string? zone)
    {
        lock (gate)
        {
            if (string.IsNullOrEmpty(zone))
            {
                zones.Remove(node);
            }
            else
            {
                zones[node] = Intern(zone);
            }

            Refresh(r => r.Info.NodeName == node);
        }

        Changed?.Invoke();
    }

    private void Refresh(Func<PodRecord, bool> which)
    {
        foreach (var (key, rec) in pods.Where(kv => which(kv.Value)).ToList())
        {
            var info = rec.Info with { Service = ServiceFor(rec.Info.Namespace, rec.Labels), Zone = ZoneOf(rec.Info.NodeName) };
            if (info != rec.Info)
            {
                var updated = rec with { Info = info };
                pods[key] = updated;
                Index(updated);
                Interlocked.Increment(ref version);
            }
        }
    }

    private void Index(PodRecord rec)
    {
        foreach (var ip in rec.Addresses)
        {
            byIp[ip] = rec.Info;
        }
    }

    private void Unindex(PodRecord rec)
    {
        foreach (var ip in rec.Addresses)
        {
            // Another pod may have taken the address meanwhile: remove only our own entry.
            byIp.TryRemove(new KeyValuePair<IpKey, PodInfo>(ip, rec.Info));
        }
    }

    private string ServiceFor(string ns, IDictionary<string, string>? labels)
    {
        if (!servicesByNamespace.TryGetValue(ns, out var services))
        {
            return "";
        }

        string? best = null;
        foreach (var (name, selector) in services)
        {
            if (PodProjection.Selects(selector, labels) && (best is null || string.CompareOrdinal(name, best) < 0))
            {
                best = name;
            }
        }

        return best ?? "";
    }

    private string ZoneOf(string node) => zones.TryGetValue(node, out var z) ? z : "";

    private string Intern(string s)
    {
        if (s.Length == 0)
        {
            return "";
        }

        if (interned.TryGetValue(s, out var i))
        {
            return i;
        }

        // Bounded: namespaces, nodes, kinds and zones are few; beyond that interning stops paying.
        if (interned.Count < 65536)
        {
            interned[s] = s;
        }

        return s;
    }
}
