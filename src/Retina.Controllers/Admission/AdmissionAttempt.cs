using System.Text.Json.Nodes;

namespace Retina.Controllers.Admission;

/// <summary>
/// One write of one of our kinds on its way in: the object as it would be stored (after mutation), the stored one for
/// an update or delete, and who is writing.
/// </summary>
/// <param name="Kind">The kind, e.g. <c>Capture</c>.</param>
/// <param name="SubResource">Empty for the main resource, <c>status</c> for the status subresource.</param>
public sealed record AdmissionAttempt(
    string Kind,
    AdmissionOperation Operation,
    string? Namespace,
    string Name,
    string SubResource,
    JsonObject? Object,
    JsonObject? OldObject,
    AdmissionUser User,
    bool DryRun);
