using System.Text.Json.Nodes;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.FakeKubeApi.Auth;
using Retina.Testing.Repo;
using static Retina.Controllers.Tests.Privilege.RenderedManifests;

namespace Retina.Controllers.Tests.Privilege;

/// <summary>No RBAC right without a caller in the code (issue 10: least privilege, shown in kustomize/base).</summary>
public sealed class RbacCallerTests
{
    [Theory]
    [MemberData(nameof(Overlays), MemberType = typeof(RenderedManifests))]
    public async Task Every_right_of_our_service_accounts_has_a_caller_in_the_table(string overlay)
    {
        var rights = ComponentRights(await OverlayAsync(overlay));
        rights.ShouldNotBeEmpty();
        var known = RbacCallers.All.Select(c => c.Right).ToHashSet(StringComparer.Ordinal);
        var missing = rights.Where(r => !known.Contains(r)).ToList();
        missing.ShouldBeEmpty($"{overlay}: rights with no caller in tests/Retina.Controllers.Tests/Privilege/RbacCallers.cs " +
            "(remove the right, or add the row naming the code that uses it)");
    }

    [Fact]
    public async Task Every_right_a_component_adds_has_a_caller_in_the_table()
    {
        var known = RbacCallers.All.Select(c => c.Right).ToHashSet(StringComparer.Ordinal);
        ComponentRights(await BaseWithComponentsAsync([.. PrivilegeComponents])).Where(r => !known.Contains(r)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Every_row_of_the_table_is_a_right_the_base_or_a_component_grants()
    {
        var rights = ComponentRights(await BaseWithComponentsAsync([.. PrivilegeComponents])).ToHashSet(StringComparer.Ordinal);
        RbacCallers.All.Select(c => c.Right).Where(r => !rights.Contains(r)).ShouldBeEmpty("rows for rights the base no longer grants: remove them");
        RbacCallers.All.GroupBy(c => c.Right).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty("one row per right");
    }

    [Fact]
    public void Every_caller_named_in_the_table_is_still_in_the_code()
    {
        var problems = new List<string>();
        foreach (var row in RbacCallers.All)
        {
            if (row.Pending is not null)
            {
                row.File.ShouldBeNull(row.Right);
                row.Pending.ShouldStartWith("issue ", customMessage: $"{row.Right}: a right kept for later names the issue item that will use it");
                continue;
            }

            var path = RepoPaths.Combine("src", row.File!);
            if (!File.Exists(path))
            {
                problems.Add($"{row.Right}: src/{row.File} does not exist");
            }
            else if (!Code(path).Contains(row.Code!, StringComparison.Ordinal))
            {
                problems.Add($"{row.Right}: src/{row.File} no longer contains `{row.Code}`");
            }
        }

        problems.ShouldBeEmpty();
    }

    [Fact]
    public void The_table_check_notices_a_caller_that_is_gone()
    {
        var path = RepoPaths.Combine("src", "Retina.Controllers/Capture/PvcCopyDelivery.cs");
        Code(path).Contains("ListAsync<V1Job>", StringComparison.Ordinal).ShouldBeTrue();
        Code(path).Contains("DeleteAsync<V1Job>", StringComparison.Ordinal).ShouldBeFalse("nothing deletes copy Jobs, so no row may claim it");
        Code(RepoPaths.Combine("src", "Retina.Controllers/Capture/PvcCopyJob.cs")).Contains("The one kind of Job we create", StringComparison.Ordinal)
            .ShouldBeFalse("comments are not callers");
    }

    [Fact]
    public async Task Rights_for_features_that_do_not_exist_are_gone()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.ApplyRbacFile(RepoPaths.Combine("kustomize/base/rbac/controllers.yaml"));
        api.ApplyRbacFile(RepoPaths.Combine("kustomize/base/rbac/node-runtime.yaml"));
        var controllers = FakeUser.ServiceAccount("retina-system", "retina-controllers");
        var node = FakeUser.ServiceAccount("retina-system", "retina-node-runtime", "node-a");

        bool Can(FakeUser user, string verb, string group, string resource, string subresource = "", string? ns = "team-a", string? name = null) =>
            api.Rbac.Authorize(user, new(verb, group, resource, subresource, ns, name)).Allowed;

        Can(controllers, "create", "", "pods").ShouldBeFalse("node shells' pods run in retina-system only, never in users' namespaces");
        Can(controllers, "delete", "", "pods").ShouldBeFalse();
        Can(controllers, "create", "", "pods", ns: "retina-system").ShouldBeTrue("node ShellSessions");
        Can(controllers, "delete", "", "pods", ns: "retina-system").ShouldBeTrue("node ShellSessions end at their TTL");
        Can(controllers, "update", "", "pods", "ephemeralcontainers").ShouldBeFalse("pod shells only add (patch) an ephemeral container");
        Can(controllers, "delete", "batch", "jobs").ShouldBeFalse("copy Jobs go by TTL or with their Capture");
        Can(controllers, "list", "apps", "replicasets").ShouldBeFalse();
        Can(controllers, "delete", "coordination.k8s.io", "leases", ns: "retina-system").ShouldBeFalse();
        Can(node, "patch", "retina.sh", "noderuntimes", ns: null, name: "node-a").ShouldBeFalse("the runtime writes status only");
        Can(node, "update", "retina.sh", "noderuntimes", "status", ns: null, name: "node-a").ShouldBeFalse();
        Can(node, "create", "", "events").ShouldBeFalse("the runtime records no events");

        // What the code does use is still granted.
        Can(controllers, "create", "batch", "jobs").ShouldBeTrue();
        Can(controllers, "watch", "", "pods").ShouldBeTrue();
        Can(node, "patch", "retina.sh", "noderuntimes", "status", ns: null, name: "node-a").ShouldBeTrue();
        Can(node, "watch", "", "pods", ns: null).ShouldBeTrue();
    }

    /// <summary>Every (role, group, resource, verb) of the Roles and ClusterRoles bound to a ServiceAccount of retina-system.</summary>
    internal static List<string> ComponentRights(IReadOnlyList<JsonObject> docs)
    {
        var bound = new HashSet<string>(StringComparer.Ordinal);
        foreach (var binding in docs.Where(d => Kind(d) is "RoleBinding" or "ClusterRoleBinding"))
        {
            var ours = (binding["subjects"] as JsonArray ?? []).Any(s => s?["kind"]?.GetValue<string>() == "ServiceAccount" &&
                                                                        s["namespace"]?.GetValue<string>() == "retina-system");
            var roleKind = binding["roleRef"]!["kind"]!.GetValue<string>();
            var roleName = binding["roleRef"]!["name"]!.GetValue<string>();
            if (ours)
            {
                bound.Add(roleKind == "Role" ? $"Role/{binding["metadata"]!["namespace"]}/{roleName}" : $"ClusterRole/{roleName}");
            }
        }

        var rights = new List<string>();
        foreach (var role in docs.Where(d => Kind(d) is "Role" or "ClusterRole"))
        {
            var key = Kind(role) == "Role" ? $"Role/{role["metadata"]!["namespace"]}/{Name(role)}" : $"ClusterRole/{Name(role)}";
            if (!bound.Contains(key))
            {
                continue;
            }

            foreach (var rule in (role["rules"] as JsonArray ?? []).OfType<JsonObject>())
            {
                foreach (var group in Strings(rule["apiGroups"]))
                {
                    foreach (var resource in Strings(rule["resources"]))
                    {
                        foreach (var verb in Strings(rule["verbs"]))
                        {
                            rights.Add(new RbacCaller(key, group, resource, verb, null, null).Right);
                        }
                    }
                }
            }
        }

        return rights.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The file without its comment lines: a symbol in a comment is not a caller.</summary>
    private static string Code(string path) => string.Join('\n', File.ReadLines(path).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));
}
