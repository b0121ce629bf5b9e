using k8s;
using k8s.Models;

namespace Retina.Kube.Client;

/// <summary>
/// The typed client every Retina.NET component uses, for built-in kinds and custom resources alike. Implemented
/// over HTTP (<see cref="KubeApiClient"/>) and over a local store (<see cref="Store.InMemoryKubeClient"/>,
/// <see cref="Store.FileKubeClient"/>). Failures throw <see cref="KubeApiException"/>.
/// </summary>
public interface IKubeClient
{
    /// <summary>Reads one object; null when it does not exist.</summary>
    Task<T?> GetAsync<T>(string name, string? ns, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    Task<KubeList<T>> ListAsync<T>(ListOptions options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>Streams events until the server ends the watch, the connection drops, or the token is cancelled.</summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(WatchOptions options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    Task<T> CreateAsync<T>(T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>Replaces the object (PUT); a stale metadata.resourceVersion is answered with 409.</summary>
    Task<T> UpdateAsync<T>(T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    Task<T> PatchAsync<T>(string name, string? ns, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>Patches through the <c>/status</c> subresource (spec changes are ignored there).</summary>
    Task<T> PatchStatusAsync<T>(string name, string? ns, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>Deletes (or, with finalizers, marks for deletion); false when it did not exist.</summary>
    Task<bool> DeleteAsync<T>(string name, string? ns, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;
}
