using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Api.TraceSession;
using Retina.Controllers.Authorization;
using static Retina.Controllers.Tests.Authorization.AuthorizationBed;

namespace Retina.Controllers.Tests.Authorization;

/// <summary>A TraceSession reaches only what its requester may trace.</summary>
public sealed class TraceSessionAuthorizationRuleTests
{
    [Fact]
    public async Task A_namespace_editor_may_trace_pods_of_their_own_namespace()
    {
        await using var bed = await StartAsync();

        (await bed.CheckAsync(Create(Trace(new CaptureTarget { PodNames = ["web-0"] })))).ShouldBeNull();
    }

    [Fact]
    public async Task A_node_trace_needs_nodes_trace_and_nodes_capture_alone_does_not_give_it()
    {
        await using var bed = await StartAsync();
        await bed.Admin.CreateAsync(new k8s.Models.V1ClusterRole
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Metadata = new() { Name = "capture-only" },
            Rules = [new() { ApiGroups = ["retina.sh"], Resources = ["nodes/capture"], Verbs = ["create"] }],
        }, CancellationToken.None);
        await bed.BindAliceAsync("capture-only", null);
        var trace = Trace(new CaptureTarget { NodeSelector = new LabelSelector() });

        var denied = (await bed.CheckAsync(Create(trace))).ShouldNotBeNull();
        denied.Message.ShouldBe("User \"alice\" cannot create nodes/trace.retina.sh at cluster scope " +
            "(spec.target.nodeSelector captures whole nodes); ask for the retina-node-capture ClusterRole (bound with a ClusterRoleBinding)");

        await bed.BindAliceAsync(RetinaGrants.NodeCaptureRole, null);
        (await bed.CheckAsync(Create(trace))).ShouldBeNull();
    }

    [Fact]
    public async Task A_trace_into_another_namespace_needs_create_tracesessions_there()
    {
        await using var bed = await StartAsync();
        var trace = Trace(new CaptureTarget
        {
            NamespaceSelector = new LabelSelector { MatchLabels = new() { [NamespaceNames.NameLabel] = TeamB } },
            PodSelector = new LabelSelector(),
        });

        (await bed.CheckAsync(Create(trace))).ShouldNotBeNull().Message.ShouldBe("User \"alice\" cannot create tracesessions.retina.sh in namespace \"team-b\" " +
            "(spec.target.namespaceSelector matches it); ask for the retina-capture role there");

        await bed.BindAliceAsync(RetinaGrants.CaptureRole, TeamB);
        (await bed.CheckAsync(Create(trace))).ShouldBeNull();
    }

    private static Api.TraceSession.TraceSession Trace(CaptureTarget target)
    {
        var t = new Api.TraceSession.TraceSession();
        t.Metadata.Name = "trace";
        t.Metadata.NamespaceProperty = TeamA;
        t.Spec.Target = target;
        t.Spec.Duration = "1m";
        t.Spec.Events = [TraceEventKinds.Drop];
        return t;
    }
}
