using System.Net;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.Waiting;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.NodeRuntime.Tests.Agent;

/// <summary>The node's status writes meet 500s, 429 with Retry-After and lost answers, and its status still converges (issue 11, item 8).</summary>
public sealed class NodeStatusFaultTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task The_node_status_converges_through_failed_throttled_and_lost_status_writes()
    {
        await using var node = await BareNode.StartApiAsync();
        var (api, client) = (node.Api, node.Client);
        var runtime = new NodeRuntimeObject();
        runtime.Metadata.Name = "node-f";
        await client.CreateAsync(runtime, None);
        api.Faults.Add(new FakeFault { Verb = "patch", Plural = "noderuntimes", Subresource = "status", Times = 2 });
        api.Faults.Add(FakeFault.Throttled("patch", "noderuntimes", TimeSpan.FromSeconds(1), subresource: "status"));
        api.Faults.Add(new FakeFault { Verb = "patch", Plural = "noderuntimes", Subresource = "status", AfterApplying = true, Code = HttpStatusCode.ServiceUnavailable });

        await node.StartHostAsync("node-f", TimeSpan.FromMilliseconds(500));

        NodeRuntimeObject? first;
        try
        {
            first = await Until.ValueAsync(() => client.GetAsync<NodeRuntimeObject>("node-f", null, None),
                r => r?.Status?.HeartbeatTime is not null && api.Faults.AllFired, "the node reports despite every failed status write");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; fired: {string.Join(", ", api.Faults.Fired)}; requests: {string.Join(", ", api.Requests.Where(r => r.Key.Plural == "noderuntimes"))}", e);
        }

        first!.Status!.ObservedGeneration.ShouldBe(first.Metadata.Generation);

        // After the faults nothing is stuck: heartbeats go on.
        var heartbeat = first.Status.HeartbeatTime;
        await Until.ValueAsync(() => client.GetAsync<NodeRuntimeObject>("node-f", null, None),
            r => r?.Status?.HeartbeatTime > heartbeat, "heartbeats continue after the faults");
        api.Faults.Fired.Count.ShouldBe(4);
    }
}
