namespace Retina.Controllers.Admission;

/// <summary>
/// Why a write is refused, as the API server passes it to the client: HTTP <paramref name="Code"/> (403 for a missing
/// grant, 422 for invalid input), a machine <paramref name="Reason"/> and a message that names the field or the grant.
/// </summary>
public sealed record AdmissionDenial(int Code, string Reason, string Message)
{
    public static AdmissionDenial Forbidden(string message) => new(403, "Forbidden", message);

    public static AdmissionDenial Invalid(string message) => new(422, "Invalid", message);
}
