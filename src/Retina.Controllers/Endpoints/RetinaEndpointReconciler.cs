using k8s.Models;
using Retina.Api.RetinaEndpoint;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Informers;
using Endpoint = Retina.Api.RetinaEndpoint.RetinaEndpoint;

namespace Retina.Controllers.Endpoints;

/// <summary>
/// Mirrors each pod that has its own addresses into a <see cref="Endpoint"/> of the same namespace and name
/// (<see cref="PodEndpointProjection.Spec"/>), for node runtimes in remote context to watch instead of every full Pod.
/// Creates, replaces or deletes it; writes nothing when it already says the same. The endpoint is owned by its pod
/// (an owner reference), so the garbage collector removes it too when the controllers are down.
/// </summary>
public sealed class RetinaEndpointReconciler(IKubeClient client) : IReconciler
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedBy = "retina-controllers";

    public ObjectCache<V1Pod>? Pods { get; set; }

    public ObjectCache<Endpoint>? Endpoints { get; set; }

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var pod = Pods!.Get(key);
        var existing = Endpoints!.Get(key);
        var desired = pod is null ? null : PodEndpointProjection.Spec(pod);
        if (desired is null)
        {
            if (existing is not null)
            {
                await client.DeleteAsync<Endpoint>(key.Name, key.Namespace, cancellationToken).ConfigureAwait(false);
            }

            return ReconcileResult.Done;
        }

        var owner = new V1OwnerReference
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Name = pod!.Metadata.Name,
            Uid = pod.Metadata.Uid,
            Controller = true,
            BlockOwnerDeletion = false,
        };
        if (existing is null)
        {
            var created = new Endpoint
            {
                Metadata = new V1ObjectMeta
                {
                    Name = key.Name,
                    NamespaceProperty = key.Namespace,
                    Labels = new Dictionary<string, string> { [ManagedByLabel] = ManagedBy },
                    OwnerReferences = [owner],
                },
                Spec = desired,
            };
            await client.CreateAsync(created, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        if (PodEndpointProjection.Same(existing.Spec, desired) && existing.Metadata.OwnerReferences is [{ } o] && o.Uid == owner.Uid)
        {
            return ReconcileResult.Done;
        }

        var replaced = new Endpoint
        {
            Metadata = new V1ObjectMeta
            {
                Name = key.Name,
                NamespaceProperty = key.Namespace,
                ResourceVersion = existing.Metadata.ResourceVersion,
                Labels = new Dictionary<string, string> { [ManagedByLabel] = ManagedBy },
                OwnerReferences = [owner],
            },
            Spec = desired,
        };
        await client.UpdateAsync(replaced, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Done;
    }
}
