using System.Text.Json.Nodes;
using Retina.Kube.Client;
using Retina.Kube.Selectors;
using Retina.Kube.Store;

namespace Retina.Testing.FakeKubeApi.Auth;

/// <summary>
/// Kubernetes RBAC evaluated over the Roles, ClusterRoles and their bindings held in the fake's store, with the real
/// authorizer's matching rules: <c>*</c> for groups, resources and verbs, <c>resource/subresource</c> and
/// <c>*/subresource</c>, <c>resourceNames</c> (list and watch carry a name only through a <c>metadata.name</c> field
/// selector), RoleBindings only in their namespace, ClusterRole aggregation (<c>aggregationRule</c>, computed on every
/// check rather than by a controller), User, Group and ServiceAccount subjects, and <c>system:masters</c>.
/// Non-resource URLs are not modelled. Bindings are only ever additive: there is no deny.
/// </summary>
public sealed class FakeRbacAuthorizer(ApiObjectStore store)
{
    public static ResourceDescriptor Roles { get; } = new("rbac.authorization.k8s.io", "v1", "roles", "Role", Namespaced: true, HasStatusSubresource: false);

    public static ResourceDescriptor RoleBindings { get; } = new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", Namespaced: true, HasStatusSubresource: false);

    public static ResourceDescriptor ClusterRoles { get; } = new("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", Namespaced: false, HasStatusSubresource: false);

    public static ResourceDescriptor ClusterRoleBindings { get; } = new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", Namespaced: false, HasStatusSubresource: false);

    public static IReadOnlyList<ResourceDescriptor> Kinds { get; } = [Roles, RoleBindings, ClusterRoles, ClusterRoleBindings];

    /// <summary>Whether <paramref name="user"/> may do <paramref name="request"/>, and the binding that allows it (RBAC's "reason").</summary>
    public (bool Allowed, string Reason) Authorize(FakeUser user, FakeAccessRequest request)
    {
        if (user.Groups.Contains("system:masters"))
        {
            return (true, "allowed by group system:masters");
        }

        foreach (var binding in All(ClusterRoleBindings, null))
        {
            if (Binds(binding, user) && RoleRules(binding, null).Any(r => Allows(r, request)))
            {
                return (true, $"RBAC: allowed by ClusterRoleBinding \"{Name(binding)}\"");
            }
        }

        if (!string.IsNullOrEmpty(request.Namespace))
        {
            foreach (var binding in All(RoleBindings, request.Namespace))
            {
                if (Binds(binding, user) && RoleRules(binding, request.Namespace).Any(r => Allows(r, request)))
                {
                    return (true, $"RBAC: allowed by RoleBinding \"{Name(binding)}/{request.Namespace}\"");
                }
            }
        }

        return (false, "");
    }

    private List<JsonObject> All(ResourceDescriptor d, string? ns) =>
        store.Find(d.Group, d.Version, d.Plural) is null ? [] : store.List(d, ns, LabelSelector.Parse(null), FieldSelector.Parse(null)).Items;

    private static string Name(JsonObject o) => o["metadata"]?["name"]?.GetValue<string>() ?? "";

    private static bool Binds(JsonObject binding, FakeUser user)
    {
        var bindingNs = binding["metadata"]?["namespace"]?.GetValue<string>();
        foreach (var s in (binding["subjects"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var kind = s["kind"]?.GetValue<string>();
            var name = s["name"]?.GetValue<string>() ?? "";
            var matches = kind switch
            {
                "User" => user.Username == name,
                "Group" => user.Groups.Contains(name),
                "ServiceAccount" => user.Username == $"system:serviceaccount:{s["namespace"]?.GetValue<string>() ?? bindingNs}:{name}",
                _ => false,
            };
            if (matches)
            {
                return true;
            }
        }

        return false;
    }

    private IEnumerable<JsonObject> RoleRules(JsonObject binding, string? ns)
    {
        var kind = binding["roleRef"]?["kind"]?.GetValue<string>();
        var name = binding["roleRef"]?["name"]?.GetValue<string>() ?? "";
        JsonObject? role = kind switch
        {
            "ClusterRole" => All(ClusterRoles, null).FirstOrDefault(r => Name(r) == name),
            "Role" when ns is not null => All(Roles, ns).FirstOrDefault(r => Name(r) == name),
            _ => null,
        };
        return role is null ? [] : Rules(role, depth: 0);
    }

    private IEnumerable<JsonObject> Rules(JsonObject role, int depth)
    {
        var own = (role["rules"] as JsonArray ?? []).OfType<JsonObject>();
        if (role["aggregationRule"]?["clusterRoleSelectors"] is not JsonArray selectors || depth > 0)
        {
            return own;
        }

        var aggregated = All(ClusterRoles, null)
            .Where(r => !ReferenceEquals(r, role) && selectors.OfType<JsonObject>().Any(sel => Selects(sel, r)))
            .SelectMany(r => Rules(r, depth + 1));
        return own.Concat(aggregated);
    }

    private static bool Selects(JsonObject selector, JsonObject role)
    {
        var labels = (role["metadata"]?["labels"] as JsonObject)?.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "") ?? [];
        var want = (selector["matchLabels"] as JsonObject ?? []).ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "");
        return want.Count > 0 && want.All(p => labels.TryGetValue(p.Key, out var v) && v == p.Value);
    }

    private static bool Allows(JsonObject rule, FakeAccessRequest r)
    {
        static IEnumerable<string> Strings(JsonNode? n) => (n as JsonArray ?? []).Select(x => x?.GetValue<string>() ?? "");
        var verbs = Strings(rule["verbs"]).ToList();
        var groups = Strings(rule["apiGroups"]).ToList();
        var resources = Strings(rule["resources"]).ToList();
        var names = Strings(rule["resourceNames"]).ToList();
        return (verbs.Contains("*") || verbs.Contains(r.Verb))
            && (groups.Contains("*") || groups.Contains(r.Group))
            && resources.Any(res => res == "*" || res == r.CombinedResource
                || (r.Subresource.Length > 0 && res == "*/" + r.Subresource))
            && (names.Count == 0 || (r.Name is { Length: > 0 } n && names.Contains(n)));
    }
}
