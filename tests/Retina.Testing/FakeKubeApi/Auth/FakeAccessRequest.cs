namespace Retina.Testing.FakeKubeApi.Auth;

/// <summary>The resource attributes of a request (or of a SubjectAccessReview), as RBAC sees them.</summary>
public sealed record FakeAccessRequest(string Verb, string Group, string Resource, string Subresource, string? Namespace, string? Name)
{
    /// <summary>The way the API server's denial message names the resource: <c>pods/log</c>, <c>secrets</c>.</summary>
    public string CombinedResource => Subresource.Length == 0 ? Resource : Resource + "/" + Subresource;

    /// <summary>The message a real server sends with 403 Forbidden.</summary>
    public string ForbiddenMessage(FakeUser user)
    {
        var what = Name is { Length: > 0 } ? $"{Resource} \"{Name}\" is forbidden" : $"{Resource} is forbidden";
        var where = string.IsNullOrEmpty(Namespace) ? "at the cluster scope" : $"in the namespace \"{Namespace}\"";
        return $"{what}: User \"{user.Username}\" cannot {Verb} resource \"{CombinedResource}\" in API group \"{Group}\" {where}";
    }
}
