namespace Retina.Kube.Store;

/// <summary>An object's identity in the local store: "group/plural", namespace (null for cluster-scoped) and name.</summary>
internal readonly record struct FileObjectKey(string Resource, string? Namespace, string Name);
