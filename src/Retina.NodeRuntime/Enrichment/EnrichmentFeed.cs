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
    private IInformer? endpointInformer;
    private EndpointHandler? endpointHandler;

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
            feed.endpointHandler = new EndpointHandler(cache);
            endpoints.AddHandler(feed.endpointHandler);
            feed.endpointInformer = endpoints;
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

    /// <summary>
    /// Why remote context cannot work, or null: the endpoint watch has listed, this node has pods with addresses, and
    /// not one of them has a RetinaEndpoint, so the controllers do not mirror pods (<c>enableRetinaEndpoint</c> is off)
    /// and every other node's pod stays unknown. (The controllers mirror this node's pods too, which is what makes
    /// the check possible; a pod created a moment ago may show it until its endpoint arrives.)
    /// </summary>
    public string? RemoteContextProblem
    {
        get
        {
            if (endpointInformer is not { IsSynced: true } || endpointHandler!.OwnNode > 0)
            {
                return null;
            }

            var local = Cache.Pods().Count(p => p.Pod.IsLocal && p.Addresses.Count > 0);
            return local == 0
                ? null
                : $"remote context is on, but no RetinaEndpoint mirrors any of this node's {local} pod(s) with addresses: the controllers' enableRetinaEndpoint is off, so pods of other nodes are not named";
        }
    }

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
        private int ownNode;

        /// <summary>Endpoints of this node's pods seen (they are not cached: the pod watch owns those pods).</summary>
        public int OwnNode => Volatile.Read(ref ownNode);

        public void OnAdd(RetinaEndpoint obj)
        {
            Count(obj, +1);
            cache.UpsertEndpoint(obj);
        }

        public void OnUpdate(RetinaEndpoint previous, RetinaEndpoint current)
        {
            Count(previous, -1);
            Count(current, +1);
            cache.UpsertEndpoint(current);
        }

        public void OnDelete(RetinaEndpoint obj)
        {
            Count(obj, -1);
            cache.DeleteEndpoint(obj);
        }

        private void Count(RetinaEndpoint obj, int delta)
        {
            if (obj.Spec.NodeName == cache.NodeName)
            {
                Interlocked.Add(ref ownNode, delta);
            }
        }
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
