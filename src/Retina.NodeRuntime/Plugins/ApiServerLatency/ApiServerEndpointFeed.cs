using System.Net;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Retina.Kube.Client;
using Retina.Kube.Informers;

namespace Retina.NodeRuntime.Plugins.ApiServerLatency;

/// <summary>
/// Keeps the "cluster" source of an <see cref="ApiServerEndpointSet"/> current from the <c>kubernetes</c>
/// EndpointSlice in namespace <c>default</c> (the API servers' own addresses, written by the API servers
/// themselves). It watches that one object by name, which is all its RBAC grants. Disposing stops it.
/// </summary>
public sealed class ApiServerEndpointFeed : IAsyncDisposable
{
    public const string Namespace = "default";
    public const string SliceName = "kubernetes";
    public const string Source = "cluster";

    private readonly CancellationTokenSource stop = new();
    private Task loop = Task.CompletedTask;

    private ApiServerEndpointFeed()
    {
    }

    public static ApiServerEndpointFeed Start(IKubeClient client, ApiServerEndpointSet set, ILoggerFactory loggers)
    {
        var feed = new ApiServerEndpointFeed();
        var informer = new Informer<V1EndpointSlice>(
            client,
            new InformerOptions { Namespace = Namespace, FieldSelector = "metadata.name=" + SliceName },
            loggers.CreateLogger("Retina.NodeRuntime.ApiServerEndpoints"));
        informer.AddHandler(new Handler(set));
        feed.loop = Task.Run(() => informer.RunAsync(feed.stop.Token));
        return feed;
    }

    /// <summary>The TCP endpoints of a slice's ready (or not-yet-judged) addresses.</summary>
    public static IReadOnlyList<IPEndPoint> Endpoints(V1EndpointSlice slice)
    {
        var ports = (slice.Ports ?? [])
            .Where(p => p.Port is > 0 and <= 65535 && (p.Protocol ?? "TCP") == "TCP")
            .Select(p => p.Port!.Value)
            .ToList();
        var result = new List<IPEndPoint>();
        foreach (var endpoint in slice.Endpoints ?? [])
        {
            if (endpoint.Conditions?.Ready == false)
            {
                continue;
            }

            foreach (var address in endpoint.Addresses ?? [])
            {
                if (IPAddress.TryParse(address, out var ip))
                {
                    result.AddRange(ports.Select(p => new IPEndPoint(ip, p)));
                }
            }
        }

        return result.Distinct().ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }

    private sealed class Handler(ApiServerEndpointSet set) : IInformerHandler<V1EndpointSlice>
    {
        public void OnAdd(V1EndpointSlice obj) => set.Set(Source, Endpoints(obj));

        public void OnUpdate(V1EndpointSlice previous, V1EndpointSlice current) => OnAdd(current);

        public void OnDelete(V1EndpointSlice obj) => set.Set(Source, []);
    }
}
