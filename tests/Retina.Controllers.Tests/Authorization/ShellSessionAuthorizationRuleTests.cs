using k8s.Models;
using Retina.Api.ShellSession;
using Retina.Controllers.Authorization;
using static Retina.Controllers.Tests.Authorization.AuthorizationBed;

namespace Retina.Controllers.Tests.Authorization;

/// <summary>A node shell needs nodes/shell for that node; a pod shell needs what kubectl debug -it needs on that pod.</summary>
public sealed class ShellSessionAuthorizationRuleTests
{
    [Fact]
    public async Task A_node_shell_needs_nodes_shell_at_cluster_scope()
    {
        await using var bed = await StartAsync();
        await bed.BindAliceAsync("retina-shellsession-user", TeamA);
        var shell = Shell(new ShellTarget { NodeName = "node-a" });

        var denied = (await bed.CheckAsync(Create(shell))).ShouldNotBeNull();
        denied.Code.ShouldBe(403);
        denied.Message.ShouldBe("User \"alice\" cannot create nodes/shell.retina.sh \"node-a\" at cluster scope " +
            "(spec.target.nodeName opens a shell on node \"node-a\"); ask for the retina-node-shell ClusterRole (bound with a ClusterRoleBinding)");

        await bed.BindAliceAsync(RetinaGrants.NodeShellRole, null);
        (await bed.CheckAsync(Create(shell))).ShouldBeNull();
    }

    [Fact]
    public async Task A_node_shell_grant_may_be_limited_to_named_nodes()
    {
        await using var bed = await StartAsync();
        await bed.Admin.CreateAsync(new V1ClusterRole
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Metadata = new() { Name = "shell-on-node-a" },
            Rules = [new() { ApiGroups = ["retina.sh"], Resources = ["nodes/shell"], Verbs = ["create"], ResourceNames = ["node-a"] }],
        }, CancellationToken.None);
        await bed.BindAliceAsync("shell-on-node-a", null);

        (await bed.CheckAsync(Create(Shell(new ShellTarget { NodeName = "node-a" })))).ShouldBeNull();
        (await bed.CheckAsync(Create(Shell(new ShellTarget { NodeName = "node-b" })))).ShouldNotBeNull().Message.ShouldContain("nodes/shell.retina.sh \"node-b\"");
    }

    [Fact]
    public async Task A_pod_shell_needs_each_right_kubectl_debug_needs_on_that_pod()
    {
        await using var bed = await StartAsync();
        var shell = Shell(new ShellTarget { Pod = new ShellPodTarget { Name = "web-0" } });

        (await bed.CheckAsync(Create(shell))).ShouldNotBeNull().Message.ShouldBe("User \"alice\" cannot get pods \"web-0\" in namespace \"team-a\" " +
            "(spec.target.pod adds a debug container to pod \"web-0\", as kubectl debug -it does); ask for the retina-pod-shell role there");

        await bed.Admin.CreateAsync(new V1ClusterRole
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Metadata = new() { Name = "pod-reader" },
            Rules = [new() { ApiGroups = [""], Resources = ["pods"], Verbs = ["get"] }],
        }, CancellationToken.None);
        await bed.BindAliceAsync("pod-reader", TeamA);
        (await bed.CheckAsync(Create(shell))).ShouldNotBeNull().Message.ShouldStartWith("User \"alice\" cannot patch pods/ephemeralcontainers \"web-0\" in namespace \"team-a\"");

        // Granted in another namespace it does not count here.
        await bed.BindAliceAsync(RetinaGrants.PodShellRole, TeamB);
        (await bed.CheckAsync(Create(shell))).ShouldNotBeNull();

        await bed.BindAliceAsync(RetinaGrants.PodShellRole, TeamA);
        (await bed.CheckAsync(Create(shell))).ShouldBeNull();
    }

    private static Api.ShellSession.ShellSession Shell(ShellTarget target)
    {
        var s = new Api.ShellSession.ShellSession();
        s.Metadata.Name = "shell";
        s.Metadata.NamespaceProperty = TeamA;
        s.Spec.Target = target;
        s.Spec.Ttl = "30m";
        return s;
    }
}
