using k8s.Models;
using Retina.Kube.Client;

namespace Retina.Kube.Tests.TestSupport;

public static class Leases
{
    /// <summary>Overwrites the lease holder as another process would, retrying when the current holder renews in between.</summary>
    public static async Task StealAsync(IKubeClient client, string ns, string name, string thief, CancellationToken cancellationToken)
    {
        while (true)
        {
            var lease = await client.GetAsync<V1Lease>(name, ns, cancellationToken) ?? throw new InvalidOperationException("no lease");
            lease.Spec.HolderIdentity = thief;
            lease.Spec.RenewTime = DateTime.UtcNow;
            try
            {
                await client.UpdateAsync(lease, cancellationToken);
                return;
            }
            catch (KubeApiException e) when (e.IsConflict)
            {
                // The holder renewed between our read and write: read again.
            }
        }
    }
}
