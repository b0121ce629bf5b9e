using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Api.NodeRuntime;
using Retina.Kube.Client;
using Retina.Native.Packet;
using Retina.NodeRuntime.Agent;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.NodeRuntime.Tests.Agent;

public sealed class NodeAgentPluginTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [KernelFact]
    public async Task The_plugin_set_follows_the_NodeRuntime_spec_at_run_time_and_status_reports_each_hook()
    {
        await using var pair = await NetnsPair.CreateAsync("ag");
        await using var api = await FakeKubeApiServer.StartAsync();
        using var client = api.CreateClient();
        var root = Directory.CreateTempSubdirectory("agent-").FullName;
        var runtime = new NodeRuntimeObject();
        runtime.Metadata.Name = "node-x";
        runtime.Spec.Plugins = [new NodePluginSpec { Name = "packetforward", Settings = new() { ["interfaces"] = pair.VethA } }];
        await client.CreateAsync(runtime, None);

        using var stop = new CancellationTokenSource();
        await using (var host = await NodeRuntimeHost.StartAsync(client, new NodeAgentOptions
        {
            NodeName = "node-x",
            NetworkNamespace = NetworkNamespace.PathOf(pair.NamespaceA),
            MetricsAddress = "127.0.0.1:0",
            CaptureBaseDirectory = Path.Combine(root, "captures"),
            WorkDirectory = Path.Combine(root, "work"),
            PluginStateDirectory = Path.Combine(root, "plugins"),
            HeartbeatInterval = TimeSpan.FromSeconds(1),
        }, NullLoggerFactory.Instance, TimeProvider.System, None))
        {
            var run = host.RunAsync(stop.Token);
            var first = await Until.ValueAsync(() => client.GetAsync<NodeRuntimeObject>("node-x", null, None),
                r => r?.Status?.Plugins?.Any(p => p.Name == "packetforward" && p.State == "Running") == true, "packetforward runs");
            first!.Status!.Plugins!.Single(p => p.Name == "packetforward").Hook.ShouldBeOneOf("tcx", "clsact");
            first.Status.PluginSummary.ShouldBe("1/1");
            first.Status.KernelVersion.ShouldNotBeNullOrEmpty();
            first.Status.HeartbeatTime.ShouldNotBeNull();

            var changed = (await client.GetAsync<NodeRuntimeObject>("node-x", null, None))!;
            changed.Spec.Plugins = [new NodePluginSpec { Name = "linuxutil" }];
            await client.UpdateAsync(changed, None);

            var second = await Until.ValueAsync(() => client.GetAsync<NodeRuntimeObject>("node-x", null, None),
                r => r?.Status?.Plugins?.Any(p => p.Name == "linuxutil" && p.State == "Running") == true
                     && r.Status.Plugins.All(p => p.Name != "packetforward" || p.State == "Disabled"),
                "linuxutil replaced packetforward without a restart");
            second!.Status!.ObservedGeneration.ShouldBe(second.Metadata.Generation);
            await stop.CancelAsync();
            await run;
        }

        // After the runtime is gone nothing of ours stays attached in the node's namespace.
        var filters = await NetnsPair.ExecAsync(pair.NamespaceA, "tc", "filter", "show", "dev", pair.VethA, "ingress");
        filters.ShouldNotContain("retina", Case.Insensitive);
        Directory.Delete(root, recursive: true);
    }
}
