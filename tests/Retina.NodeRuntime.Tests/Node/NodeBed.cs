using Retina.Api.NodeRuntime;
using Retina.Kube.Client;
using Retina.NodeRuntime.AdvancedMetrics;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Plugins.ApiServerLatency;
using Retina.NodeRuntime.Plugins.PacketParser;
using Retina.NodeRuntime.Tests.Enrichment;
using Retina.NodeRuntime.Tests.Plugins.Dns;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;
using static Retina.NodeRuntime.Tests.AdvancedMetrics.AdvancedMetricsSpecs;

namespace Retina.NodeRuntime.Tests.Node;

/// <summary>
/// A host laid out like a Kubernetes node: a node namespace with pods behind veths named as
/// different CNIs name them (Antrea: pod name and hash; OVN-Kubernetes: 15 hex characters of the
/// sandbox id; Calico: cali + hash; a laptop user's own name), a CoreDNS pod running dnsmasq, a
/// "remote node" reached through the node's default-route interface (eth0), Pod objects in a fake
/// API, and the whole node runtime data plane (basic plugins and packetparser with Retina's pod-level
/// labels, and API-server latency probes to an "API server" on the remote node) exporting on a loopback port. Disposing tears everything down, even after a failure.
/// </summary>
public sealed class NodeBed : IAsyncDisposable
{
    public const string NodeName = "node1";
    public const string ApiName = "api.retina.test.";
    public const string ApiAddress = "10.96.0.10";
    public const string ApiAddress6 = "fd00::10";

    /// <summary>The "API server" listens on the remote node at this port.</summary>
    public const int ApiServerPort = 6443;

    private readonly List<IAsyncDisposable> owned = [];

    private NodeBed()
    {
    }

    public FakeKubeApiServer Api { get; private init; } = null!;
    public KubeApiClient Client { get; private init; } = null!;
    public PodNetwork Network { get; private set; } = null!;
    public NodeMetrics Metrics { get; } = new();
    public PluginHost Host { get; private set; } = null!;
    public MetricsExporter Exporter { get; private set; } = null!;
    public string StateDirectory { get; } = Directory.CreateTempSubdirectory("retina-node-").FullName;

    /// <summary>The pods: CoreDNS (Antrea-style veth), client (OVN-style), web (Calico-style), db (any name).</summary>
    public PodNetwork.Pod CoreDns => Network.Pods[0];
    public PodNetwork.Pod Client1 => Network.Pods[1];
    public PodNetwork.Pod Web => Network.Pods[2];
    public PodNetwork.Pod Db => Network.Pods[3];

    /// <summary>Kubernetes (namespace, pod name, workload) of each pod, by index.</summary>
    public static readonly (string Namespace, string Name, string Workload)[] PodObjects =
    [
        ("kube-system", "coredns-7d9f8c6b5-x2x9z", "coredns"),
        ("shop", "client-7d9f8c6b5-a1b2c", "client"),
        ("shop", "web-7d9f8c6b5-d3e4f", "web"),
        ("shop", "db-7d9f8c6b5-g5h6i", "db"),
    ];

    /// <summary>Retina's pod-level labels on every adv_* metric.</summary>
    public static NodeMetricsSpec PodLevelSpec()
    {
        string[] ctx = ["ip", "namespace", "podname", "workload", "port"];
        return Spec(
            Option("forward_count", ctx, ctx, ["direction"]),
            Option("forward_bytes", ctx, ctx, ["direction"]),
            Option("drop_count", ctx, ctx, ["direction"]),
            Option("drop_bytes", ctx, ctx, ["direction"]),
            Option("tcp_flag_gauges", ctx, ctx),
            Option("tcp_retransmission_count", ctx, ctx),
            Option("dns_request_count", ctx, ctx),
            Option("dns_response_count", ctx, ctx));
    }

    /// <param name="probeApiServer">Run the API-server latency probes (their TCP connections cross eth0: off for exact counts).</param>
    public static async Task<NodeBed> StartAsync(string prefix, NodeMetricsSpec? spec = null, bool probeApiServer = false)
    {
        var api = await FakeKubeApiServer.StartAsync();
        var bed = new NodeBed { Api = api, Client = api.CreateClient() };
        try
        {
            var hex = Convert.ToHexString(BitConverter.GetBytes(Random.Shared.NextInt64())).ToLowerInvariant();
            bed.Network = await PodNetwork.CreateAsync(prefix, [$"coredns--{hex[..6]}", hex[..15], "cali" + hex[1..12], "mydb" + hex[..3]]);
            await bed.Network.AddRemoteNodeAsync();
            for (var i = 0; i < PodObjects.Length; i++)
            {
                var (ns, name, workload) = PodObjects[i];
                await FakeClusterPods.CreateAsync(bed.Client, TestPods.Pod(ns, name, bed.Network.Pods[i].Address, NodeName, deployment: workload));
            }

            var feed = EnrichmentFeed.Start(bed.Client, NodeName, new EnrichmentOptions { AllPods = true, WatchServices = false });
            bed.owned.Add(feed);
            await feed.WaitForSyncAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
            await Until.TrueAsync(() => feed.Cache.PodCount == PodObjects.Length, "every pod is in the cache");
            var pod = new PodLevelMetrics(bed.Metrics, feed.Cache, new AdvancedMetricsOptions { SweepInterval = TimeSpan.FromMilliseconds(200) });
            bed.owned.Add(new Disposer(pod.Dispose));
            pod.Apply(spec ?? PodLevelSpec());

            bed.owned.Add(await Dnsmasq.StartAsync(bed.CoreDns.Namespace, $"{ApiAddress} api.retina.test\n{ApiAddress6} api.retina.test\n", bed.CoreDns.Address));
            bed.owned.Add(await ApiServerStandIn.StartAsync(bed.Network.Remote!, bed.Network.RemoteAddress, ApiServerPort));
            bed.Host = new PluginHost(new PluginHostOptions { NetworkNamespace = bed.Network.Node, StateDirectory = bed.StateDirectory }, bed.Metrics);
            var fast = new Dictionary<string, string> { ["rescanInterval"] = "200ms" };
            await bed.Host.ApplyAsync(
            [
                .. PluginCatalog.Basic.Select(n => new PluginRequest(n, n is "packetforward" or "dns" ? fast : new Dictionary<string, string>())),
                new PluginRequest(PacketParserPlugin.PluginName, new Dictionary<string, string> { ["reportInterval"] = "300ms", ["rescanInterval"] = "200ms" }),
                .. probeApiServer
                    ? [new PluginRequest(ApiServerLatencyPlugin.PluginName, new Dictionary<string, string>
                    {
                        ["endpoints"] = $"{bed.Network.RemoteAddress}:{ApiServerPort}", ["interval"] = "200ms", ["request"] = "http", ["discover"] = "false",
                    })]
                    : Array.Empty<PluginRequest>(),
            ], CancellationToken.None);
            bed.Exporter = new MetricsExporter(bed.Metrics, new MetricsExporterOptions { Address = "127.0.0.1:0" });
            await bed.Exporter.StartAsync(CancellationToken.None);
        }
        catch
        {
            await bed.DisposeAsync();
            throw;
        }

        return bed;
    }

    public PluginState State(string plugin) => Host.Current.Single(s => s.Name == plugin);

    /// <summary>The exporter's address, as Prometheus scrapes it (host:port).</summary>
    public string ScrapeTarget => $"{Exporter.BoundAddress!.Host}:{Exporter.BoundAddress.Port}";

    public async Task<string> ScrapeAsync() => await Metrics.ScrapeAsync();

    /// <summary>Sum of the series of <paramref name="metric"/> that carry every given label.</summary>
    public async Task<double> SumAsync(string metric, params (string, string)[] labels) =>
        AdvancedMetrics.SeriesLines.Sum(await ScrapeAsync(), metric, labels);

    /// <summary>Waits until the sum grew by exactly <paramref name="delta"/> over <paramref name="baseline"/>, and stays there for a scrape.</summary>
    public async Task<double> GrowthAsync(string metric, double baseline, double delta, params (string, string)[] labels)
    {
        var last = 0.0;
        await Until.TrueAsync(async () => (last = await SumAsync(metric, labels) - baseline) >= delta,
            $"{metric}{{{string.Join(",", labels.Select(l => l.Item1 + "=" + l.Item2))}}} grows by {delta} (grew {last})");
        return await SumAsync(metric, labels) - baseline;
    }

    public async ValueTask DisposeAsync()
    {
        if (Exporter is not null)
        {
            await Exporter.DisposeAsync();
        }

        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        foreach (var d in Enumerable.Reverse(owned))
        {
            await d.DisposeAsync();
        }

        if (Network is not null)
        {
            await Network.DisposeAsync();
        }

        Client.Dispose();
        await Api.DisposeAsync();
        Directory.Delete(StateDirectory, true);
    }

    private sealed class Disposer(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}
