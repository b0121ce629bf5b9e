using k8s;
using k8s.Models;

namespace Retina.Kube.Client;

/// <summary>
/// Patches a subresource other than <c>/status</c> (e.g. <c>pods/ephemeralcontainers</c>, the only way to add an
/// ephemeral container). Only a client of a real API server has these: local stores do not.
/// </summary>
public interface ISubresourceClient
{
    Task<T> PatchSubresourceAsync<T>(string name, string? ns, string subresource, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;
}
