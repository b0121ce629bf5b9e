using System.Collections.Concurrent;
using System.Reflection;
using k8s.Models;

namespace Retina.Kube.Client;

/// <summary>Where a kind lives in the API: group, version, plural, kind, scope and whether it has a status subresource.</summary>
public sealed record ResourceDescriptor(string Group, string Version, string Plural, string Kind, bool Namespaced, bool HasStatusSubresource = true)
{
    private static readonly ConcurrentDictionary<Type, ResourceDescriptor> ByType = new();

    private static readonly HashSet<string> ClusterScopedCoreKinds = new(StringComparer.Ordinal)
    {
        "Node", "Namespace", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
        "StorageClass", "PriorityClass", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
        "CertificateSigningRequest", "RuntimeClass", "IngressClass", "CSIDriver", "CSINode", "VolumeAttachment",
        "TokenReview", "SubjectAccessReview", "SelfSubjectAccessReview", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    };

    /// <summary>Kinds whose status is written through the main resource (no status subresource).</summary>
    private static readonly HashSet<string> KindsWithoutStatus = new(StringComparer.Ordinal)
    {
        "Secret", "ConfigMap", "Event", "Lease", "ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding",
        "TokenReview", "SubjectAccessReview", "SelfSubjectAccessReview",
    };

    /// <summary>"v1" for the core group, otherwise "group/version".</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary>The REST path of the collection, e.g. <c>/api/v1/namespaces/ns/pods</c> or <c>/apis/retina.sh/v1alpha1/noderuntimes</c>.</summary>
    public string CollectionPath(string? ns)
    {
        var root = Group.Length == 0 ? "/api/" + Version : "/apis/" + Group + "/" + Version;
        return Namespaced && !string.IsNullOrEmpty(ns)
            ? root + "/namespaces/" + Uri.EscapeDataString(ns) + "/" + Plural
            : root + "/" + Plural;
    }

    /// <summary>The REST path of one object, optionally of its subresource (e.g. "status").</summary>
    public string ObjectPath(string? ns, string name, string? subresource = null)
    {
        if (Namespaced && string.IsNullOrEmpty(ns))
        {
            throw new ArgumentException($"{Kind} is namespaced: a namespace is required", nameof(ns));
        }

        var path = CollectionPath(ns) + "/" + Uri.EscapeDataString(name);
        return subresource is null ? path : path + "/" + subresource;
    }

    /// <summary>Registers (or overrides) the descriptor of a type.</summary>
    public static void Register(Type type, ResourceDescriptor descriptor) => ByType[type] = descriptor;

    public static ResourceDescriptor For<T>() => For(typeof(T));

    /// <summary>Derives the descriptor from the type's <see cref="KubernetesEntityAttribute"/> and scope markers.</summary>
    public static ResourceDescriptor For(Type type) => ByType.GetOrAdd(type, static t =>
    {
        var entity = t.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{t.Name} has no [KubernetesEntity] attribute: register a ResourceDescriptor for it");
        var clusterScoped = t.GetCustomAttribute<ClusterScopedAttribute>() is not null
            || ClusterScopedCoreKinds.Contains(entity.Kind)
            || HasClusterScopedCrdAttribute(t);
        // The review kinds (TokenReview, SubjectAccessReview) carry no plural in the generated models.
        var plural = string.IsNullOrEmpty(entity.PluralName) ? entity.Kind.ToLowerInvariant() + "s" : entity.PluralName;
        return new ResourceDescriptor(entity.Group ?? "", entity.ApiVersion, plural, entity.Kind, !clusterScoped,
            !KindsWithoutStatus.Contains(entity.Kind));
    });

    private static bool HasClusterScopedCrdAttribute(Type t)
    {
        foreach (var attribute in t.GetCustomAttributes(inherit: false))
        {
            var at = attribute.GetType();
            if (at.Name == "CrdAttribute" && at.GetProperty("ClusterScoped")?.GetValue(attribute) is true)
            {
                return true;
            }
        }

        return false;
    }
}
