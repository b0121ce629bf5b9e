using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Controllers.Hosting;
using Retina.Controllers.Options;
using Retina.Kube.Client;
using Retina.Native.Packet;
using Retina.NodeRuntime.Agent;
using Retina.NodeRuntime.Tests.Enrichment;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Agent;

/// <summary>
/// One node for a journey: the fake API (with Services for the pods' context), the real controllers, and the real node
/// runtime over a <see cref="PodNetwork"/> whose pods are registered in namespace shop on the node.
/// Disposing stops the runtime and the controllers and removes the namespaces and the folder, even after a failure.
/// </summary>
internal sealed class OneNodeJourneyBed : IAsyncDisposable
{
    public const string Node = "node1";
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> tasks = [];
    private NodeRuntimeHost? host;

    private OneNodeJourneyBed(FakeKubeApiServer api, PodNetwork net, string root)
    {
        Api = api;
        Client = api.CreateClient();
        Net = net;
        Root = root;
    }

    public FakeKubeApiServer Api { get; }

    public IKubeClient Client { get; }

    public PodNetwork Net { get; }

    public string Root { get; }

    /// <summary>The node runtime's capture base directory (and the controllers' CaptureHostPathBase).</summary>
    public string Captures => Path.Combine(Root, "captures");

    /// <param name="pods">Pod names, one per pod of the network, in its order (the first one is Deployment web's).</param>
    public static Task<OneNodeJourneyBed> StartAsync(string prefix, params string[] pods) =>
        StartAsync(prefix, [.. pods.Select((p, i) => (p, i == 0 ? "web" : (string?)null))]);

    /// <param name="pods">Pod names and their Deployments, one per pod of the network, in its order.</param>
    public static async Task<OneNodeJourneyBed> StartAsync(string prefix, (string Name, string? Deployment)[] pods)
    {
        var api = await FakeKubeApiServer.StartAsync();
        FakeClusterPods.ServeServices(api);
        var net = await PodNetwork.CreateAsync(prefix, pods.Length);
        var bed = new OneNodeJourneyBed(api, net, Directory.CreateTempSubdirectory("retina-journey-").FullName);
        try
        {
            await bed.Client.CreateAsync(new V1Node { ApiVersion = "v1", Kind = "Node", Metadata = new V1ObjectMeta { Name = Node, Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = Node } } }, CancellationToken.None);
            await bed.Client.CreateAsync(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = "shop" } }, CancellationToken.None);
            for (var i = 0; i < pods.Length; i++)
            {
                await FakeClusterPods.CreateAsync(bed.Client, TestPods.Pod("shop", pods[i].Name, net.Pods[i].Address, Node, deployment: pods[i].Deployment));
            }
        }
        catch
        {
            await bed.DisposeAsync();
            throw;
        }

        return bed;
    }

    /// <summary>The node runtime, once <see cref="RunAsync"/> started it.</summary>
    public NodeRuntimeHost Host => host ?? throw new InvalidOperationException("RunAsync first");

    /// <summary>Starts the controllers (options as <paramref name="configure"/> sets them; the capture base is the node's) and the node runtime.</summary>
    public async Task RunAsync(Action<RetinaControllerOptions>? configure = null)
    {
        var options = new RetinaControllerOptions { LeaderElection = false, CaptureHostPathBase = Captures };
        configure?.Invoke(options);
        tasks.AddRange(RetinaControllers.Create(Client, options, NullLoggerFactory.Instance, TimeProvider.System).Select(c => c.RunAsync(stop.Token)));
        host = await NodeRuntimeHost.StartAsync(Client, new NodeAgentOptions
        {
            NodeName = Node,
            NetworkNamespace = NetworkNamespace.PathOf(Net.Node),
            MetricsAddress = "127.0.0.1:0",
            CaptureBaseDirectory = Captures,
            WorkDirectory = Path.Combine(Root, "work"),
            PluginStateDirectory = Path.Combine(Root, "plugins"),
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            ProgressInterval = TimeSpan.FromMilliseconds(300),
            DiscoverApiServerEndpoints = false,
        }, NullLoggerFactory.Instance, TimeProvider.System, stop.Token);
        tasks.Add(host.RunAsync(stop.Token));
    }

    /// <summary>Extra loops of the test's cluster (a Job scheduler, a kubelet), stopped with the bed.</summary>
    public List<IAsyncDisposable> Extras { get; } = [];

    public async ValueTask DisposeAsync()
    {
        try
        {
            await stop.CancelAsync();
            foreach (var extra in Extras)
            {
                await extra.DisposeAsync();
            }

            try
            {
                await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
            {
                // stopped by cancellation
            }

            if (host is not null)
            {
                await host.DisposeAsync();
            }

            await Api.DisposeAsync();
        }
        finally
        {
            await Net.DisposeAsync();
            Directory.Delete(Root, recursive: true);
            stop.Dispose();
        }
    }
}
