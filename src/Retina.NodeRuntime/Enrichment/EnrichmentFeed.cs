using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Api.RetinaEndpoint;
using Retina.Kube.Client;
using Retina.Kube.Informers;

namespace Retina.NodeRuntime.Enrichment;

/// <summary>
/// Keeps an <see cref="EnrichmentCache"/> current from informers: this node's pods (or, the old remote way, all of
/// them), the cluster's RetinaEndpoints for remote context, and optionally services and nodes. Disposing stops the informers.
/// </summary>
public sealed class EnrichmentFeed : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly List<IInformer> informers = [];
    private readonly List<Task> loops = [];

    private EnrichmentFeed()
    {
    }

    /// <summary>The cache this feed keeps current.</summary>
    public EnrichmentCache Cache { get; private init; } = null!;

    /// <summary>Starts the informers feeding <paramref name="cache"/>; returns at once (see <see cref="WaitForSyncAsync"/>).</summary>
    public static EnrichmentFeed Start(IKubeClient client, EnrichmentCache cache, EnrichmentOptions? options = null, ILoggerFactory? loggers = null)
    {
        options ??= new EnrichmentOptions();
        loggers ??= NullLoggerFactory.Instance;
        var feed = new EnrichmentFeed { Cache = cache };

        var pods = new Informer<V1Pod>(
            client,
            new InformerOptions { FieldSelector = options.AllPods ? null : "spec.nodeName=" + cache.NodeName },
            loggers.CreateLogger("Retina.NodeRuntime.Enrichment.Pods"));
        pods.AddHandler(new PodHandler(cache));
        feed.Add(pods);

        if (options.RemoteEndpoints && !options.AllPods)
        {
            var endpoints = new Informer<RetinaEndpoint>(client, null, loggers.CreateLogger("Retina.NodeRuntime.Enrichment.Endpoints"));
            endpoints.AddHandler(new EndpointHandler(cache));
            feed.Add(endpoints);
        }

        if (options.WatchServices)
        {
            var services = new Informer<V1Service>(client, null, loggers.CreateLogger("Retina.NodeRuntime.Enrichment.Services"));
            services.AddHandler(new ServiceHandler(cache));
            feed.Add(services);
        }

        if (options.WatchNodes)
        {
            var nodes = new Informer<V1Node>(client, null, loggers.CreateLogger("Retina.NodeRuntime.Enrichment.Nodes"));
            nodes.AddHandler(new NodeHandler(cache));
            feed.Add(nodes);
        }

        return feed;
    }

    /// <summary>Creates the cache for <paramref name="nodeName"/> and starts feeding it.</summary>
    public static EnrichmentFeed Start(IKubeClient client, string nodeName, EnrichmentOptions? options = null, ILoggerFactory? loggers = null) =>
        Start(client, new EnrichmentCache(nodeName), options, loggers);

    /// <summary>Completes once every informer has listed once.</summary>
    public Task WaitForSyncAsync(CancellationToken ct) => Task.WhenAll(informers.Select(i => i.WaitForSyncAsync(ct)));

    private void Add(IInformer informer)
    {
        informers.Add(informer);
        loops.Add(Task.Run(() => informer.RunAsync(stop.Token)));
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }

    private sealed class PodHandler(EnrichmentCache cache) : IInformerHandler<V1Pod>
    {
        public void OnAdd(V1Pod obj) => cache.UpsertPod(obj);

        public void OnUpdate(V1Pod previous, V1Pod current) => cache.UpsertPod(current);

        public void OnDelete(V1Pod obj) => cache.DeletePod(obj.Metadata?.NamespaceProperty ?? "", obj.Metadata?.Name ?? "");
    }

    private sealed class EndpointHandler(EnrichmentCache cache) : IInformerHandler<RetinaEndpoint>
    {
        public void OnAdd(RetinaEndpoint obj) => cache.UpsertEndpoint(obj);

        public void OnUpdate(RetinaEndpoint previous, RetinaEndpoint current) => cache.UpsertEndpoint(current);

        public void OnDelete(RetinaEndpoint obj) => cache.DeleteEndpoint(obj);
    }

    private sealed class ServiceHandler(EnrichmentCache cache) : IInformerHandler<V1Service>
    {
        public void OnAdd(V1Service obj) => cache.SetService(obj.Metadata?.NamespaceProperty ?? "", obj.Metadata?.Name ?? "", obj.Spec?.Selector);

        public void OnUpdate(V1Service previous, V1Service current) => OnAdd(current);

        public void OnDelete(V1Service obj) => cache.SetService(obj.Metadata?.NamespaceProperty ?? "", obj.Metadata?.Name ?? "", null);
    }

    private sealed class NodeHandler(EnrichmentCache cache) : IInformerHandler<V1Node>
    {
        public void OnAdd(V1Node obj) => cache.SetNodeZone(obj.Metadata?.Name ?? "", PodProjection.Zone(obj));

        public void OnUpdate(V1Node previous, V1Node current) => OnAdd(current);

        public void OnDelete(V1Node obj) => cache.SetNodeZone(obj.Metadata?.Name ?? "", null);
    }
}
