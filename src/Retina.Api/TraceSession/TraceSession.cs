using k8s.Models;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.TraceSession;

/// <summary>
/// A time-boxed stream of per-event records (drops with the kernel's reason and 5-tuple, DNS queries and
/// answers, TCP retransmits and resets, new connections) for selected pods or nodes, summarised in status
/// and written as JSON lines to the outputs.
/// </summary>
[KubernetesEntity(Group = RetinaGroup.Group, ApiVersion = RetinaGroup.Version, Kind = KindName, PluralName = Plural)]
[Crd(ShortNames = ["trace", "ts"])]
[PrinterColumn("Phase", "string", ".status.phase")]
[PrinterColumn("Events", "integer", ".status.eventCount")]
[PrinterColumn("Top Drop Reason", "string", ".status.topDropReason")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class TraceSession() : Resource<TraceSessionSpec, TraceSessionStatus>(KindName)
{
    public const string KindName = "TraceSession";
    public const string Plural = "tracesessions";
}
