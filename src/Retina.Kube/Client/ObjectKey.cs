using k8s;
using k8s.Models;

namespace Retina.Kube.Client;

/// <summary>Identifies one object of a kind: its namespace (null for cluster-scoped kinds) and name.</summary>
public readonly record struct ObjectKey(string? Namespace, string Name)
{
    public static ObjectKey Of(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var ns = obj.Metadata?.NamespaceProperty;
        return new ObjectKey(string.IsNullOrEmpty(ns) ? null : ns, obj.Metadata?.Name ?? "");
    }

    public static ObjectKey Cluster(string name) => new(null, name);

    public override string ToString() => Namespace is null ? Name : Namespace + "/" + Name;
}
