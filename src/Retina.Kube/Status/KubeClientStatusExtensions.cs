using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Retina.Kube.Client;
using Retina.Kube.Json;

namespace Retina.Kube.Status;

/// <summary>
/// Status and finalizer writes done the safe way: read fresh, change, send only the difference as a merge patch that
/// carries the resourceVersion read (so a concurrent writer yields 409), and on 409 read again and retry with backoff.
/// </summary>
public static class KubeClientStatusExtensions
{
    private const int MaxAttempts = 8;

    /// <summary>
    /// Reads the object, lets <paramref name="mutate"/> change its status in place (return false for "no change"),
    /// sets <c>status.observedGeneration</c> to <c>metadata.generation</c>, and patches <c>/status</c> with the difference.
    /// Returns the written object, the unchanged object when there was nothing to write, or null when it does not exist.
    /// </summary>
    public static async Task<T?> UpdateStatusAsync<T>(this IKubeClient client, ObjectKey key, Func<T, bool> mutate, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        return await RetryOnConflictAsync<T>(client, key, async (current, ct) =>
        {
            var before = KubeJson.ToNode(current);
            if (!mutate(current))
            {
                return current;
            }

            var after = KubeJson.ToNode(current);
            var status = after["status"] as JsonObject ?? [];
            status["observedGeneration"] = current.Metadata?.Generation;
            var diff = JsonMergePatch.Diff(before["status"] ?? new JsonObject(), status);
            if (diff is null)
            {
                return current;
            }

            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject { ["resourceVersion"] = current.Metadata?.ResourceVersion },
                ["status"] = diff,
            };
            return await client.PatchStatusAsync<T>(key.Name, key.Namespace, KubePatch.Merge(patch), ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds the finalizer if missing (a no-op write is skipped). Returns the object, or null when it does not exist.</summary>
    public static Task<T?> AddFinalizerAsync<T>(this IKubeClient client, ObjectKey key, string finalizer, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        ChangeFinalizersAsync<T>(client, key, list => list.Contains(finalizer) ? null : [.. list, finalizer], cancellationToken);

    /// <summary>Removes the finalizer if present; removing the last one of an object being deleted lets it go.</summary>
    public static Task<T?> RemoveFinalizerAsync<T>(this IKubeClient client, ObjectKey key, string finalizer, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        ChangeFinalizersAsync<T>(client, key, list => list.Contains(finalizer) ? list.Where(f => f != finalizer).ToList() : null, cancellationToken);

    public static bool HasFinalizer(this IKubernetesObject<V1ObjectMeta> obj, string finalizer) =>
        obj.Metadata?.Finalizers?.Contains(finalizer) == true;

    public static bool IsBeingDeleted(this IKubernetesObject<V1ObjectMeta> obj) => obj.Metadata?.DeletionTimestamp is not null;

    private static async Task<T?> ChangeFinalizersAsync<T>(IKubeClient client, ObjectKey key, Func<IList<string>, IList<string>?> change, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        return await RetryOnConflictAsync<T>(client, key, async (current, ct) =>
        {
            var next = change(current.Metadata?.Finalizers ?? []);
            if (next is null)
            {
                return current;
            }

            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["resourceVersion"] = current.Metadata?.ResourceVersion,
                    ["finalizers"] = new JsonArray([.. next.Select(f => (JsonNode)f)]),
                },
            };
            try
            {
                return await client.PatchAsync<T>(key.Name, key.Namespace, KubePatch.Merge(patch), ct).ConfigureAwait(false);
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                return null;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T?> RetryOnConflictAsync<T>(IKubeClient client, ObjectKey key, Func<T, CancellationToken, Task<T?>> write, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var delay = TimeSpan.FromMilliseconds(10);
        for (var attempt = 1; ; attempt++)
        {
            var current = await client.GetAsync<T>(key.Name, key.Namespace, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return null;
            }

            try
            {
                return await write(current, cancellationToken).ConfigureAwait(false);
            }
            catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.Conflict && attempt < MaxAttempts)
            {
                await Task.Delay(delay * (0.5 + Random.Shared.NextDouble()), cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }
        }
    }
}
