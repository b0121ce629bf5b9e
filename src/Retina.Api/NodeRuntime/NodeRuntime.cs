using k8s.Models;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.NodeRuntime;

/// <summary>
/// Internal, one per node (named after the node): the controllers write what the node must run (spec);
/// the node's runtime writes what it runs (status), with a heartbeat. Users read it, they never write it.
/// </summary>
[KubernetesEntity(Group = RetinaGroup.Group, ApiVersion = RetinaGroup.Version, Kind = KindName, PluralName = Plural)]
[Crd(ClusterScoped = true, ShortNames = ["nrt"])]
[PrinterColumn("Plugins", "string", ".status.pluginSummary")]
[PrinterColumn("Captures", "integer", ".status.activeCaptures")]
[PrinterColumn("Kernel", "string", ".status.kernelVersion")]
[PrinterColumn("Heartbeat", "date", ".status.heartbeatTime")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class NodeRuntime() : Resource<NodeRuntimeSpec, NodeRuntimeStatus>(KindName)
{
    public const string KindName = "NodeRuntime";
    public const string Plural = "noderuntimes";
}
