namespace Retina.Kube.Client;

/// <summary>The items of a list and the resourceVersion to watch from.</summary>
public sealed record KubeList<T>(IReadOnlyList<T> Items, string ResourceVersion);
