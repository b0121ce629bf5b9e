using System.Net;
using k8s.Models;

namespace Retina.Kube.Client;

/// <summary>A failure answered by the API (or by the local store with the same meaning), carrying the <c>Status</c> object.</summary>
public sealed class KubeApiException : Exception
{
    public KubeApiException(HttpStatusCode statusCode, string reason, string message, V1Status? status = null)
        : base(message)
    {
        StatusCode = statusCode;
        Reason = reason;
        Status = status ?? new V1Status
        {
            ApiVersion = "v1",
            Kind = "Status",
            Metadata = new V1ListMeta(),
            Status = "Failure",
            Code = (int)statusCode,
            Reason = reason,
            Message = message,
        };
    }

    public HttpStatusCode StatusCode { get; }

    public string Reason { get; }

    public V1Status Status { get; }

    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;

    public bool IsConflict => StatusCode == HttpStatusCode.Conflict;

    public bool IsAlreadyExists => StatusCode == HttpStatusCode.Conflict && Reason == "AlreadyExists";

    /// <summary>410 Gone: the requested resourceVersion is too old; the caller must relist.</summary>
    public bool IsGone => StatusCode == HttpStatusCode.Gone;

    public static KubeApiException NotFound(ResourceDescriptor d, string name) =>
        new(HttpStatusCode.NotFound, "NotFound", $"{d.Plural}.{d.Group} \"{name}\" not found".Replace(". \"", " \"", StringComparison.Ordinal));

    public static KubeApiException AlreadyExists(ResourceDescriptor d, string name) =>
        new(HttpStatusCode.Conflict, "AlreadyExists", $"{d.Plural} \"{name}\" already exists");

    public static KubeApiException Conflict(ResourceDescriptor d, string name) =>
        new(HttpStatusCode.Conflict, "Conflict",
            $"Operation cannot be fulfilled on {d.Plural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again");

    public static KubeApiException Gone(string message) => new(HttpStatusCode.Gone, "Expired", message);

    public static KubeApiException BadRequest(string message) => new(HttpStatusCode.BadRequest, "BadRequest", message);

    public static KubeApiException Invalid(string message) => new(HttpStatusCode.UnprocessableEntity, "Invalid", message);

    public static KubeApiException FromStatus(HttpStatusCode code, V1Status? status, string fallbackMessage) =>
        new(code, status?.Reason ?? code.ToString(), status?.Message ?? fallbackMessage, status);
}
