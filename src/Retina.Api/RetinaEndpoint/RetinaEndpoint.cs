using k8s.Models;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.RetinaEndpoint;

/// <summary>
/// Internal, one per pod that has its own addresses (same namespace and name as the pod): the slim projection of a pod
/// that remote context needs (addresses, node, workload, labels), written by the controllers from the pod watch and
/// watched by every node runtime in remote context instead of every full Pod. Users read it, they never write it.
/// </summary>
[KubernetesEntity(Group = RetinaGroup.Group, ApiVersion = RetinaGroup.Version, Kind = KindName, PluralName = Plural)]
[Crd(ShortNames = ["rep"])]
[PrinterColumn("Pod IP", "string", ".spec.podIPs[0]")]
[PrinterColumn("Node", "string", ".spec.nodeName")]
[PrinterColumn("Workload", "string", ".spec.workloadName", Priority = 1)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class RetinaEndpoint() : Resource<RetinaEndpointSpec, RetinaEndpointStatus>(KindName)
{
    public const string KindName = "RetinaEndpoint";
    public const string Plural = "retinaendpoints";
}
