using Microsoft.Extensions.Logging.Abstractions;
using Retina.Kube.Client;
using Retina.NodeRuntime.Agent;
using Retina.Testing.FakeKubeApi;

namespace Retina.NodeRuntime.Tests.Agent;

/// <summary>
/// A real node runtime host with no plugins, pods or captures over the fake API: for what the agent loop itself does
/// with the API (status writes, probes, version). Stopping ends the loop and deletes the host's folders.
/// </summary>
internal sealed class BareNode : IAsyncDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("bare-node-").FullName;
    private readonly CancellationTokenSource stop = new();
    private Task run = Task.CompletedTask;

    private BareNode(FakeKubeApiServer api, KubeApiClient client)
    {
        Api = api;
        Client = client;
    }

    public FakeKubeApiServer Api { get; }

    public KubeApiClient Client { get; }

    public NodeRuntimeHost? Host { get; private set; }

    public static async Task<BareNode> StartApiAsync()
    {
        var api = await FakeKubeApiServer.StartAsync();
        return new BareNode(api, api.CreateClient());
    }

    public NodeAgentOptions Options(string node, TimeSpan? heartbeat = null) => new()
    {
        NodeName = node,
        MetricsAddress = "127.0.0.1:0",
        CaptureBaseDirectory = Path.Combine(root, "captures"),
        WorkDirectory = Path.Combine(root, "work"),
        PluginStateDirectory = Path.Combine(root, "plugins"),
        HeartbeatInterval = heartbeat ?? TimeSpan.FromSeconds(10),
        DiscoverApiServerEndpoints = false,
    };

    /// <summary>Starts the host for <paramref name="node"/>; <paramref name="beforeRun"/> may wrap its seams before the loop starts.</summary>
    public async Task<NodeRuntimeHost> StartHostAsync(string node, TimeSpan? heartbeat = null, Action<NodeRuntimeHost>? beforeRun = null, Action<NodeAgentOptions>? configure = null)
    {
        var options = Options(node, heartbeat);
        configure?.Invoke(options);
        Host = await NodeRuntimeHost.StartAsync(Client, options, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None);
        beforeRun?.Invoke(Host);
        run = Host.RunAsync(stop.Token);
        return Host;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await run.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
            // stopped
        }

        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        Client.Dispose();
        await Api.DisposeAsync();
        stop.Dispose();
        Directory.Delete(root, recursive: true);
    }
}
