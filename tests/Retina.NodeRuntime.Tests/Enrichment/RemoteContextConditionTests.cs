using Microsoft.Extensions.Logging.Abstractions;
using Retina.Api.Common;
using Retina.Controllers.Hosting;
using Retina.Kube.Controllers;
using Retina.NodeRuntime.Tests.Agent;
using Retina.Testing.Waiting;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.NodeRuntime.Tests.Enrichment;

/// <summary>A node in remote context whose controllers do not mirror pods says so in NodeRuntime.status, and stops saying it once they do.</summary>
public sealed class RemoteContextConditionTests
{
    [Fact]
    public async Task Remote_context_without_RetinaEndpoints_is_a_condition_until_the_mirror_runs()
    {
        await using var node = await BareNode.StartApiAsync();
        var client = node.Client;
        var runtime = new NodeRuntimeObject();
        runtime.Metadata.Name = "node-rc";
        await client.CreateAsync(runtime, default);
        await FakeClusterPods.CreateAsync(client, TestPods.Pod("team-a", "web", "10.8.9.1", node: "node-rc"));
        await node.StartHostAsync("node-rc", TimeSpan.FromSeconds(1), configure: o => o.RemoteContext = true);

        var degraded = await Until.ValueAsync(() => client.GetAsync<NodeRuntimeObject>("node-rc", null, default),
            r => r?.Status?.Conditions is { } c && Conditions.Find(c, "RemoteContextDegraded") is not null, "the node reports the missing mirror");
        var condition = Conditions.Find(degraded!.Status!.Conditions!, "RemoteContextDegraded")!;
        condition.Status.ShouldBe(ConditionStatus.True);
        condition.Reason.ShouldBe("NoRetinaEndpoints");
        condition.Message.ShouldNotBeNull().ShouldContain("enableRetinaEndpoint");

        using var stop = new CancellationTokenSource();
        var mirror = RetinaControllers.RetinaEndpoints(client, NullLoggerFactory.Instance, TimeProvider.System, new ControllerOptions());
        var running = Task.Run(async () =>
        {
            try
            {
                await mirror.RunAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        });
        await Until.TrueAsync(async () => (await client.GetAsync<NodeRuntimeObject>("node-rc", null, default))?.Status?.Conditions is { } c
            && Conditions.Find(c, "RemoteContextDegraded") is null && Conditions.Find(c, "Degraded") is not null, "the condition goes once the pods are mirrored");
        await stop.CancelAsync();
        await running;
    }
}
