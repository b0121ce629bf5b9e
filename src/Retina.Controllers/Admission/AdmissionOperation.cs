namespace Retina.Controllers.Admission;

/// <summary>The operation of an admission request (<c>request.operation</c>); a PATCH arrives as <see cref="Update"/>.</summary>
public enum AdmissionOperation
{
    Create,
    Update,
    Delete,
    Connect,
}
