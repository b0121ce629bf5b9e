namespace Retina.Kube.Client;

/// <summary>
/// Marks a resource type as cluster-scoped. Types without it are namespaced, unless they are one of the
/// well-known cluster-scoped Kubernetes kinds or carry an attribute named <c>CrdAttribute</c> whose
/// <c>ClusterScoped</c> property is true (Retina.Api's schema attribute, matched by name so that
/// Retina.Kube does not reference Retina.Api).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ClusterScopedAttribute : Attribute;
