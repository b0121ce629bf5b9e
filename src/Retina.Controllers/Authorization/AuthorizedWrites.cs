using System.Text.Json;
using System.Text.Json.Nodes;
using Retina.Controllers.Admission;
using Retina.Kube.Json;

namespace Retina.Controllers.Authorization;

/// <summary>Which writes the authorization rules judge, and reading the object they judge.</summary>
public static class AuthorizedWrites
{
    /// <summary>
    /// A create, or an update that changes <c>spec</c>, of the main resource. Status writes, deletes and metadata-only
    /// updates (finalizers, labels, annotations) reach nothing new, so they are not asked about.
    /// </summary>
    public static bool NeedsCheck(AdmissionAttempt attempt, string kind) =>
        attempt.Kind == kind && attempt.SubResource.Length == 0 && attempt.Object is not null &&
        (attempt.Operation == AdmissionOperation.Create ||
         (attempt.Operation == AdmissionOperation.Update && !JsonNode.DeepEquals(attempt.Object["spec"], attempt.OldObject?["spec"])));

    /// <summary>The typed object, or a denial naming why it cannot be read (the schema normally refuses such input first).</summary>
    public static (T? Value, AdmissionDenial? Denial) Read<T>(AdmissionAttempt attempt)
        where T : class
    {
        try
        {
            return (KubeJson.FromNode<T>(attempt.Object!), null);
        }
        catch (JsonException e)
        {
            return (null, AdmissionDenial.Invalid($"{attempt.Kind} \"{attempt.Name}\" could not be read: {e.Message}"));
        }
    }

    /// <summary>The namespace of the write (the request's, else the object's).</summary>
    public static string Namespace(AdmissionAttempt attempt) =>
        attempt.Namespace ?? attempt.Object?["metadata"]?["namespace"]?.GetValue<string>() ?? "";
}
