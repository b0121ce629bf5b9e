using k8s.Models;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.MetricsConfiguration;

/// <summary>
/// Which pod-level (advanced) metrics every node exports, with which source/destination labels, for which
/// namespaces, and how long idle series live. Several MetricsConfigurations are merged deterministically.
/// </summary>
[KubernetesEntity(Group = RetinaGroup.Group, ApiVersion = RetinaGroup.Version, Kind = KindName, PluralName = Plural)]
[Crd(ClusterScoped = true, ShortNames = ["mc", "metricsconfig"])]
[PrinterColumn("State", "string", ".status.state")]
[PrinterColumn("Nodes Ready", "string", ".status.nodesReady")]
[PrinterColumn("Reason", "string", ".status.reason", Priority = 1)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class MetricsConfiguration() : Resource<MetricsSpec, MetricsStatus>(KindName)
{
    public const string KindName = "MetricsConfiguration";
    public const string Plural = "metricsconfigurations";
}
