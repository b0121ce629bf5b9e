using k8s;
using k8s.Models;
using Retina.Kube.Client;
using Retina.Kube.Informers;

namespace Retina.Kube.Status;

/// <summary>The start every finalizing reconciler shares: the object from the cache, or its clean-up when it is being deleted.</summary>
public static class FinalizerPrelude
{
    /// <summary>
    /// The live object to reconcile; null when it is gone, or when it was being deleted and has now been cleaned up
    /// (<paramref name="cleanUp"/>) and released (<paramref name="finalizer"/> removed). Either way null means done.
    /// </summary>
    public static async Task<T?> LiveOrReleasedAsync<T>(this IKubeClient client, ObjectCache<T> cache, ObjectKey key, string finalizer,
        Func<T, CancellationToken, Task> cleanUp, CancellationToken ct)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var obj = cache.Get(key);
        if (obj is null || !obj.IsBeingDeleted())
        {
            return obj;
        }

        await cleanUp(obj, ct).ConfigureAwait(false);
        await client.RemoveFinalizerAsync<T>(key, finalizer, ct).ConfigureAwait(false);
        return null;
    }
}
