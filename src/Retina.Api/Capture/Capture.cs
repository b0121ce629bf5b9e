using k8s.Models;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.Capture;

/// <summary>
/// A distributed packet capture on nodes or pods: what to capture, with which limits and filters,
/// and where each node's tarball goes. Apply it, watch <c>kubectl get captures -w</c> until Completed,
/// then fetch the artifacts listed in status.
/// </summary>
[KubernetesEntity(Group = RetinaGroup.Group, ApiVersion = RetinaGroup.Version, Kind = KindName, PluralName = Plural)]
[Crd(ShortNames = ["cap", "rcap"])]
[PrinterColumn("Phase", "string", ".status.phase")]
[PrinterColumn("Nodes", "integer", ".status.totalNodes")]
[PrinterColumn("Active", "integer", ".status.active")]
[PrinterColumn("Succeeded", "integer", ".status.succeeded")]
[PrinterColumn("Failed", "integer", ".status.failed")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class Capture() : Resource<CaptureSpec, CaptureStatus>(KindName)
{
    public const string KindName = "Capture";
    public const string Plural = "captures";
}
