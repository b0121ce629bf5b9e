using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.NodeRuntime.Agent;
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
        await using var api = await FakeKubeApiServer.StartAsync();
        using var client = api.CreateClient();
        var root = Directory.CreateTempSubdirectory("node-faults-").FullName;
        try
        {
            var runtime = new NodeRuntimeObject();
            runtime.Metadata.Name = "node-f";
            await client.CreateAsync(runtime, None);
            api.Faults.Add(new FakeFault { Verb = "patch", Plural = "noderuntimes", Subresource = "status", Times = 2 });
            api.Faults.Add(FakeFault.Throttled("patch", "noderuntimes", TimeSpan.FromSeconds(1), subresource: "status"));
            api.Faults.Add(new FakeFault { Verb = "patch", Plural = "noderuntimes", Subresource = "status", AfterApplying = true, Code = HttpStatusCode.ServiceUnavailable });

            using var stop = new CancellationTokenSource();
            await using var host = await NodeRuntimeHost.StartAsync(client, new NodeAgentOptions
            {
                NodeName = "node-f",
                MetricsAddress = "127.0.0.1:0",
                CaptureBaseDirectory = Path.Combine(root, "captures"),
                WorkDirectory = Path.Combine(root, "work"),
                PluginStateDirectory = Path.Combine(root, "plugins"),
                HeartbeatInterval = TimeSpan.FromMilliseconds(500),
                DiscoverApiServerEndpoints = false,
            }, NullLoggerFactory.Instance, TimeProvider.System, None);
            var run = host.RunAsync(stop.Token);

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

            await stop.CancelAsync();
            try
            {
                await run.WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (OperationCanceledException)
            {
                // stopped
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
