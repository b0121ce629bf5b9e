using Retina.Kube.Client;
using Retina.Kube.Store;

namespace Retina.Testing.FakeKubeApi;

/// <summary>A request path resolved to a kind, namespace, name and subresource.</summary>
internal sealed record FakeKubeApiRoute(ResourceDescriptor Resource, string? Namespace, string? Name, string? Subresource)
{
    public static FakeKubeApiRoute? Parse(ApiObjectStore store, string path)
    {
        var s = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        string group;
        string version;
        string[] rest;
        if (s.Length >= 3 && s[0] == "api")
        {
            (group, version, rest) = ("", s[1], s[2..]);
        }
        else if (s.Length >= 4 && s[0] == "apis")
        {
            (group, version, rest) = (s[1], s[2], s[3..]);
        }
        else
        {
            return null;
        }

        if (rest.Length >= 3 && rest[0] == "namespaces" && store.Find(group, version, rest[2]) is { Namespaced: true } namespaced)
        {
            return rest.Length > 5 ? null : new FakeKubeApiRoute(namespaced, rest[1], rest.ElementAtOrDefault(3), rest.ElementAtOrDefault(4));
        }

        var d = store.Find(group, version, rest[0]);
        return d is null || rest.Length > 3 ? null : new FakeKubeApiRoute(d, null, rest.ElementAtOrDefault(1), rest.ElementAtOrDefault(2));
    }

    /// <summary>The verb as the API's audit log names it.</summary>
    public string Verb(string method, bool watch) => method switch
    {
        "GET" when Name is null => watch ? "watch" : "list",
        "GET" => "get",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => "delete",
        _ => method.ToLowerInvariant(),
    };
}
