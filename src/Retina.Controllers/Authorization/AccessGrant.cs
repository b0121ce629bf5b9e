namespace Retina.Controllers.Authorization;

/// <summary>
/// One right a requester must hold, as a SubjectAccessReview asks it: verb on group/resource[/subresource], in a
/// namespace or (null) at cluster scope, optionally on one named object.
/// </summary>
public sealed record AccessGrant(string Verb, string Group, string Resource, string? Subresource = null, string? Namespace = null, string? Name = null)
{
    /// <summary>The resource as RBAC rules and kubectl name it: <c>nodes/capture.retina.sh</c>, <c>pods/ephemeralcontainers</c>.</summary>
    public string QualifiedResource =>
        (Subresource is null ? Resource : $"{Resource}/{Subresource}") + (Group.Length == 0 ? "" : "." + Group);

    /// <summary>Where the grant applies, in the API server's words.</summary>
    public string Scope => Namespace is null ? "at cluster scope" : $"in namespace \"{Namespace}\"";

    /// <summary>E.g. <c>create nodes/capture.retina.sh at cluster scope</c> or <c>get pods "web-0" in namespace "team-a"</c>.</summary>
    public string Describe() => $"{Verb} {QualifiedResource}{(Name is null ? "" : $" \"{Name}\"")} {Scope}";
}
