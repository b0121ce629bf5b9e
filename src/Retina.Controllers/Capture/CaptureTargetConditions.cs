using Retina.Api.Capture;
using Retina.Api.Common;

namespace Retina.Controllers.Capture;

/// <summary>The conditions that say how the target was read: podNames that name no pod, host-network pods captured by their node's address.</summary>
public static class CaptureTargetConditions
{
    public static void Set(Api.Capture.Capture c, CaptureTargetResolver.Result resolved, DateTime now)
    {
        var generation = c.Metadata.Generation;
        if (resolved.MissingPodNames.Count > 0)
        {
            Conditions.Set(c.StatusConditions, CaptureReasons.PodsNotFound, ConditionStatus.True, CaptureReasons.PodsNotFound,
                $"spec.captureConfiguration.captureTarget.podNames: no pod named {string.Join(", ", resolved.MissingPodNames.Take(10))}{(resolved.MissingPodNames.Count > 10 ? ", …" : "")} in namespace {c.Metadata.NamespaceProperty}; the others are captured",
                generation, now);
        }
        else
        {
            Conditions.Remove(c.StatusConditions, CaptureReasons.PodsNotFound);
        }

        if (resolved.HostNetworkPods.Count > 0)
        {
            Conditions.Set(c.StatusConditions, CaptureReasons.HostNetworkPods, ConditionStatus.True, CaptureReasons.CapturedByNodeAddress,
                $"pods on the host network share their node's address: captured as the node's address and the ports they declare ({string.Join(", ", resolved.HostNetworkPods.Take(10))}{(resolved.HostNetworkPods.Count > 10 ? ", …" : "")}); traffic of other host processes on those ports is included",
                generation, now);
        }
        else
        {
            Conditions.Remove(c.StatusConditions, CaptureReasons.HostNetworkPods);
        }
    }
}
