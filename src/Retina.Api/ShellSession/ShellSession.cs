using k8s.Models;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.ShellSession;

/// <summary>
/// An interactive troubleshooting container on a node (host network) or as an ephemeral container in a pod,
/// with explicit capabilities and a hard time to live. Status gives the exact kubectl command to attach.
/// </summary>
[KubernetesEntity(Group = RetinaGroup.Group, ApiVersion = RetinaGroup.Version, Kind = KindName, PluralName = Plural)]
[Crd(ShortNames = ["shell"])]
[PrinterColumn("Phase", "string", ".status.phase")]
[PrinterColumn("Target", "string", ".status.target")]
// A string, not a date: kubectl renders a date column as an age and a future time as "<invalid>"; the expiry is ahead.
[PrinterColumn("Expires", "string", ".status.expiresAt")]
[PrinterColumn("Command", "string", ".status.attachCommand", Priority = 1)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class ShellSession() : Resource<ShellSessionSpec, ShellSessionStatus>(KindName)
{
    public const string KindName = "ShellSession";
    public const string Plural = "shellsessions";
}
