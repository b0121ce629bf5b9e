using k8s;
using k8s.Models;
using Retina.Kube.Client;

namespace Retina.Kube.Informers;

/// <summary>
/// The informer's thread-safe view of the objects, indexed by namespace, node (<c>spec.nodeName</c> for pods, or a custom
/// node function) and label (<c>key=value</c>). Readers get the cached instances: treat them as read-only.
/// </summary>
public sealed class ObjectCache<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock gate = new();
    private readonly Dictionary<ObjectKey, T> items = [];
    private readonly Dictionary<string, HashSet<ObjectKey>> byNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<ObjectKey>> byNode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<ObjectKey>> byLabel = new(StringComparer.Ordinal);
    private readonly Func<T, string?> nodeOf;

    public ObjectCache(Func<T, string?>? nodeOf = null)
    {
        this.nodeOf = nodeOf ?? (static o => o is V1Pod pod ? pod.Spec?.NodeName : null);
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return items.Count;
            }
        }
    }

    public T? Get(ObjectKey key)
    {
        lock (gate)
        {
            return items.GetValueOrDefault(key);
        }
    }

    public IReadOnlyList<T> List()
    {
        lock (gate)
        {
            return [.. items.Values];
        }
    }

    public IReadOnlyList<ObjectKey> Keys()
    {
        lock (gate)
        {
            return [.. items.Keys];
        }
    }

    public IReadOnlyList<T> ByNamespace(string ns) => Lookup(byNamespace, ns);

    public IReadOnlyList<T> ByNode(string nodeName) => Lookup(byNode, nodeName);

    public IReadOnlyList<T> ByLabel(string key, string value) => Lookup(byLabel, key + "=" + value);

    /// <summary>Inserts or replaces; returns the previous object.</summary>
    public T? Upsert(T obj)
    {
        var key = ObjectKey.Of(obj);
        lock (gate)
        {
            var previous = items.GetValueOrDefault(key);
            if (previous is not null)
            {
                Unindex(key, previous);
            }

            items[key] = obj;
            Index(key, obj);
            return previous;
        }
    }

    public T? Remove(ObjectKey key)
    {
        lock (gate)
        {
            if (!items.Remove(key, out var previous))
            {
                return null;
            }

            Unindex(key, previous);
            return previous;
        }
    }

    private IReadOnlyList<T> Lookup(Dictionary<string, HashSet<ObjectKey>> index, string value)
    {
        lock (gate)
        {
            return index.TryGetValue(value, out var keys) ? [.. keys.Select(k => items[k])] : [];
        }
    }

    private void Index(ObjectKey key, T obj)
    {
        foreach (var (index, value) in IndexValues(key, obj))
        {
            if (!index.TryGetValue(value, out var set))
            {
                index[value] = set = [];
            }

            set.Add(key);
        }
    }

    private void Unindex(ObjectKey key, T obj)
    {
        foreach (var (index, value) in IndexValues(key, obj))
        {
            if (index.TryGetValue(value, out var set) && set.Remove(key) && set.Count == 0)
            {
                index.Remove(value);
            }
        }
    }

    private IEnumerable<(Dictionary<string, HashSet<ObjectKey>> Index, string Value)> IndexValues(ObjectKey key, T obj)
    {
        if (key.Namespace is not null)
        {
            yield return (byNamespace, key.Namespace);
        }

        if (nodeOf(obj) is { Length: > 0 } node)
        {
            yield return (byNode, node);
        }

        foreach (var (k, v) in obj.Metadata?.Labels ?? new Dictionary<string, string>())
        {
            yield return (byLabel, k + "=" + v);
        }
    }
}
