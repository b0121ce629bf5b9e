using Retina.Api.NodeRuntime;
using Retina.Kube.Client;
using Retina.NodeRuntime.AdvancedMetrics;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Plugins.PacketParser;
using Retina.NodeRuntime.Tests.Enrichment;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;

namespace Retina.NodeRuntime.Tests.PacketParser;

/// <summary>
/// A node with "pods" (network namespaces behind veths), matching Pod objects in the fake API,
/// the enrichment feed, pod-level metrics shaped by a spec, and the packetparser plugin running
/// in the node's namespace. Disposing tears everything down, even after a failure.
/// </summary>
public sealed class PodLevelBed : IAsyncDisposable
{
    public const string NodeName = "node1";

    private PodLevelBed()
    {
    }

    public FakeKubeApiServer Api { get; private init; } = null!;
    public KubeApiClient Client { get; private init; } = null!;
    public PodNetwork Network { get; private set; } = null!;
    public EnrichmentFeed Feed { get; private set; } = null!;
    public NodeMetrics Metrics { get; } = new();
    public PodLevelMetrics Pod { get; private set; } = null!;
    public PluginHost Host { get; private set; } = null!;
    public string StateDirectory { get; } = Directory.CreateTempSubdirectory("retina-pp-").FullName;

    /// <summary>Pod names by index of <see cref="PodNetwork.Pods"/>.</summary>
    public List<(string Namespace, string Name)> PodNames { get; } = [];

    public static async Task<PodLevelBed> StartAsync(string prefix, int pods, NodeMetricsSpec spec, string ns = "shop", AdvancedMetricsOptions? options = null, params (string Key, string Value)[] settings)
    {
        var api = await FakeKubeApiServer.StartAsync();
        var bed = new PodLevelBed { Api = api, Client = api.CreateClient() };
        try
        {
            bed.Network = await PodNetwork.CreateAsync(prefix, pods);
            for (var i = 0; i < pods; i++)
            {
                await bed.CreatePodObjectAsync(ns, i);
            }

            bed.Feed = EnrichmentFeed.Start(bed.Client, NodeName, new EnrichmentOptions { AllPods = true, WatchServices = false });
            await bed.Feed.WaitForSyncAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
            await Until.TrueAsync(() => bed.Feed.Cache.PodCount == pods, "every pod is in the cache");
            bed.Pod = new PodLevelMetrics(bed.Metrics, bed.Feed.Cache, options ?? new AdvancedMetricsOptions { SweepInterval = TimeSpan.FromMilliseconds(200) });
            bed.Pod.Apply(spec);
            bed.Host = new PluginHost(new PluginHostOptions { NetworkNamespace = bed.Network.Node, StateDirectory = bed.StateDirectory }, bed.Metrics);
            var all = new Dictionary<string, string>
            {
                ["podInterfacePrefixes"] = bed.Network.InterfacePrefix,
                ["reportInterval"] = "300ms",
                ["rescanInterval"] = "200ms",
            };
            foreach (var (k, v) in settings)
            {
                all[k] = v;
            }

            await bed.Host.ApplyAsync([new PluginRequest(PacketParserPlugin.PluginName, all)], CancellationToken.None);
        }
        catch
        {
            await bed.DisposeAsync();
            throw;
        }

        return bed;
    }

    public PluginState State => Host.Current.Single(s => s.Name == PacketParserPlugin.PluginName);

    /// <summary>Creates the Pod object for pod <paramref name="index"/> of the network (create, then status with its IP).</summary>
    public async Task CreatePodObjectAsync(string ns, int index)
    {
        var name = $"pod-{index}";
        await FakeClusterPods.CreateAsync(Client, TestPods.Pod(ns, name, Network.Pods[index].Address, NodeName, deployment: "app" + index));
        PodNames.Add((ns, name));
    }

    public async Task<string> ScrapeAsync() => await Metrics.ScrapeAsync();

    /// <summary>Waits until the sum of the matching series equals <paramref name="expected"/>.</summary>
    public async Task<double> WaitForAsync(string metric, double expected, params (string, string)[] labels)
    {
        var last = 0.0;
        await Until.TrueAsync(async () => (last = SeriesLinesSum(await ScrapeAsync(), metric, labels)) == expected,
            $"{metric}{{{string.Join(",", labels.Select(l => l.Item1 + "=" + l.Item2))}}} reaches {expected} (last {last})");
        return last;
    }

    private static double SeriesLinesSum(string text, string metric, (string, string)[] labels) =>
        AdvancedMetrics.SeriesLines.Sum(text, metric, labels);

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        Pod?.Dispose();
        if (Feed is not null)
        {
            await Feed.DisposeAsync();
        }

        if (Network is not null)
        {
            await Network.DisposeAsync();
        }

        Client.Dispose();
        await Api.DisposeAsync();
        Directory.Delete(StateDirectory, true);
    }
}
