using Session = Retina.Api.ShellSession.ShellSession;

namespace Retina.Controllers.ShellSession;

/// <summary>Who asked for a session: the admission webhook's <c>retina.sh/requested-by</c> stamp.</summary>
public static class ShellRequester
{
    public const string Annotation = Admission.RequestedBy.Annotation;

    /// <summary>The requester, or a phrase saying it is unknown (created before the webhook ran, or in local mode).</summary>
    public static string Of(Session session) =>
        session.Metadata.Annotations?.TryGetValue(Annotation, out var who) == true && !string.IsNullOrEmpty(who) ? who : "an unknown requester (no retina.sh/requested-by stamp)";

    public static string? Stamp(Session session) =>
        session.Metadata.Annotations?.TryGetValue(Annotation, out var who) == true && !string.IsNullOrEmpty(who) ? who : null;
}
