using k8s.Models;
using Retina.Api.Capture;
using Retina.Kube.Client;

namespace Retina.Controllers.Capture;

/// <summary>The pod selector of a target's workloadRef (Deployment, StatefulSet, DaemonSet, Job), or null when it has none or the workload is gone.</summary>
public static class WorkloadSelectors
{
    public static async Task<V1LabelSelector?> GetAsync(IKubeClient client, WorkloadReference? workload, string ns, CancellationToken ct)
    {
        if (workload is not { } w)
        {
            return null;
        }

        return w.Kind switch
        {
            "Deployment" => (await client.GetAsync<V1Deployment>(w.Name, ns, ct).ConfigureAwait(false))?.Spec.Selector,
            "StatefulSet" => (await client.GetAsync<V1StatefulSet>(w.Name, ns, ct).ConfigureAwait(false))?.Spec.Selector,
            "DaemonSet" => (await client.GetAsync<V1DaemonSet>(w.Name, ns, ct).ConfigureAwait(false))?.Spec.Selector,
            _ => (await client.GetAsync<V1Job>(w.Name, ns, ct).ConfigureAwait(false))?.Spec.Selector,
        };
    }
}
