using k8s;
using k8s.Models;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Status;

namespace Retina.Controllers.NodeRuntime;

/// <summary>
/// What a finished Capture or TraceSession leaves: its finalizer goes (its assignments were withdrawn first), and with
/// ttlSecondsAfterFinished it is deleted that long after it finished, as a Job is.
/// </summary>
internal static class FinishedWork
{
    /// <param name="finishedAt">status.completionTime, or when its Error condition was set (a rejected object has no completion time).</param>
    public static async Task<ReconcileResult> ReleaseAsync<T>(IKubeClient client, ObjectKey key, T obj, string finalizer, int? ttlSeconds, DateTime? finishedAt, DateTime now, CancellationToken ct)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (obj.HasFinalizer(finalizer))
        {
            await client.RemoveFinalizerAsync<T>(key, finalizer, ct).ConfigureAwait(false);
        }

        if (ttlSeconds is { } ttl && finishedAt is { } finished)
        {
            var left = finished.AddSeconds(ttl) - now;
            if (left > TimeSpan.Zero)
            {
                return ReconcileResult.Requeue(left);
            }

            await client.DeleteAsync<T>(key.Name, key.Namespace, ct).ConfigureAwait(false);
        }

        return ReconcileResult.Done;
    }
}
