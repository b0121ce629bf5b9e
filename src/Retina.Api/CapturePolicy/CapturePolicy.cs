using k8s.Models;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.CapturePolicy;

/// <summary>
/// A capture template plus triggers: Alertmanager alerts matching label matchers, or node-local thresholds.
/// Each firing creates a child Capture, within the cooldown and rate limits.
/// </summary>
[KubernetesEntity(Group = RetinaGroup.Group, ApiVersion = RetinaGroup.Version, Kind = KindName, PluralName = Plural)]
[Crd(ShortNames = ["cpol"])]
[PrinterColumn("Armed", "boolean", ".status.armed")]
[PrinterColumn("Fired", "integer", ".status.firedCount")]
[PrinterColumn("Last Fired", "date", ".status.lastFiredTime")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class CapturePolicy() : Resource<CapturePolicySpec, CapturePolicyStatus>(KindName)
{
    public const string KindName = "CapturePolicy";
    public const string Plural = "capturepolicies";
}
