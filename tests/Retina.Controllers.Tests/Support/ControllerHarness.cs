using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Controllers.Hosting;
using Retina.Controllers.Options;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Testing.FakeKubeApi;

namespace Retina.Controllers.Tests.Support;

/// <summary>The fake API server, a real KubernetesClient-backed client, and every controller running against it.</summary>
public sealed class ControllerHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private Task running = Task.CompletedTask;
    private bool ownsApi = true;

    private ControllerHarness(FakeKubeApiServer api, IKubeClient client)
    {
        Api = api;
        Client = client;
    }

    public FakeKubeApiServer Api { get; }

    public IKubeClient Client { get; }

    public RetinaControllerOptions Options { get; } = new() { Plugins = ["packetforward", "dropreason"] };

    /// <summary>This harness's own registry of the controllers' state gauges (<see cref="ControllerStateMetrics"/>).</summary>
    public Prometheus.CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    /// <param name="clientTimeout">The controllers' HTTP request timeout (KubernetesClient's default is 100 s).</param>
    /// <param name="configureApi">Options of the fake API server (e.g. graceful pod deletion).</param>
    /// <param name="metricsTime">The clock of the state gauges only (heartbeat ages); the controllers keep the system clock.</param>
    public static async Task<ControllerHarness> StartAsync(Action<RetinaControllerOptions>? configure = null, TimeSpan? clientTimeout = null,
        Action<FakeKubeApiOptions>? configureApi = null, TimeProvider? metricsTime = null)
    {
        var api = await FakeKubeApiServer.StartAsync(configureApi);
        var config = api.ClientConfiguration();
        if (clientTimeout is { } timeout)
        {
            config.HttpClientTimeout = timeout;
        }

        var harness = new ControllerHarness(api, new KubeApiClient(config));
        configure?.Invoke(harness.Options);
        var controllers = RetinaControllers.Create(harness.Client, harness.Options, NullLoggerFactory.Instance, TimeProvider.System,
            stateMetrics: new ControllerStateMetrics(harness.Registry, metricsTime));
        harness.running = Task.WhenAll(controllers.Select(c => c.RunAsync(harness.stop.Token)));
        return harness;
    }

    /// <summary>Controllers over an API server the test keeps (e.g. to restart the controllers on the same state).</summary>
    public static Task<ControllerHarness> StartOnAsync(FakeKubeApiServer api, Action<RetinaControllerOptions>? configure = null)
    {
        var harness = new ControllerHarness(api, new KubeApiClient(api.ClientConfiguration())) { ownsApi = false };
        configure?.Invoke(harness.Options);
        var controllers = RetinaControllers.Create(harness.Client, harness.Options, NullLoggerFactory.Instance, TimeProvider.System,
            stateMetrics: new ControllerStateMetrics(harness.Registry));
        harness.running = Task.WhenAll(controllers.Select(c => c.RunAsync(harness.stop.Token)));
        return Task.FromResult(harness);
    }

    /// <summary>Stops the controllers (as a crash or a rollout would); the API server keeps running.</summary>
    public Task StopAsync() => DisposeAsync().AsTask();

    public Task<V1Node> AddNodeAsync(string name, Dictionary<string, string>? labels = null) =>
        Client.CreateAsync(new V1Node { ApiVersion = "v1", Kind = "Node", Metadata = new V1ObjectMeta { Name = name, Labels = labels } }, CancellationToken.None);

    /// <summary>Creates a pod and then, as the kubelet would, reports its phase and IP through /status.</summary>
    public async Task<V1Pod> AddPodAsync(V1Pod pod)
    {
        var status = pod.Status;
        await Client.CreateAsync(pod, CancellationToken.None);
        var patch = new System.Text.Json.Nodes.JsonObject { ["status"] = System.Text.Json.Nodes.JsonNode.Parse(k8s.KubernetesJson.Serialize(status)) };
        return await Client.PatchStatusAsync<V1Pod>(pod.Metadata.Name, pod.Metadata.NamespaceProperty, KubePatch.Merge(patch), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await running.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
        }

        if (ownsApi)
        {
            await Api.DisposeAsync();
        }

        stop.Dispose();
    }
}
