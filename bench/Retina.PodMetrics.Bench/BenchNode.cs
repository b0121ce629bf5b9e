using k8s.Models;
using Retina.Api.MetricsConfiguration;
using Retina.Api.NodeRuntime;
using Retina.NodeRuntime.AdvancedMetrics;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Metrics;
using NodeMetrics = Retina.NodeRuntime.Metrics.NodeMetrics;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Plugins.PacketParser;
using Retina.Testing.Netns;

namespace Retina.PodMetrics.Bench;

/// <summary>Two "pods" on a "node" namespace, an enrichment cache with them (plus synthetic pods), pod-level metrics and a plugin host.</summary>
internal sealed class BenchNode : IAsyncDisposable
{
    private readonly string state = Directory.CreateTempSubdirectory("retina-ppbench-").FullName;

    private BenchNode(PodNetwork network)
    {
        Network = network;
        Metrics = new NodeMetrics();
        Cache = new EnrichmentCache("node1");
        Pod = new PodLevelMetrics(Metrics, Cache);
        Host = new PluginHost(new PluginHostOptions { NetworkNamespace = network.Node, StateDirectory = state }, Metrics);
    }

    public PodNetwork Network { get; }
    public NodeMetrics Metrics { get; }
    public EnrichmentCache Cache { get; }
    public PodLevelMetrics Pod { get; }
    public PluginHost Host { get; }

    public static readonly NodeMetricsSpec Spec = new()
    {
        ContextOptions =
        [
            Option("forward_count"), Option("forward_bytes"), Option("drop_count"), Option("tcp_flag_gauges"), Option("dns_request_count"), Option("dns_response_count"),
        ],
    };

    private static MetricsContextOptions Option(string name) => new()
    {
        MetricName = name,
        SourceLabels = ["namespace", "podname", "workload"],
        DestinationLabels = ["namespace", "podname", "workload", "port"],
        AdditionalLabels = ["direction"],
    };

    public static async Task<BenchNode> CreateAsync(string prefix, int syntheticPods)
    {
        var network = await PodNetwork.CreateAsync(prefix, 2);
        var node = new BenchNode(network);
        for (var i = 0; i < network.Pods.Count; i++)
        {
            node.Cache.UpsertPod(PodObject("bench", $"pod-{i}", network.Pods[i].Address, "node1", "app" + i));
        }

        for (var i = 0; i < syntheticPods; i++)
        {
            node.Cache.UpsertPod(PodObject("ns" + (i % 20), $"synthetic-{i}", $"10.{120 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}", i % 3 == 0 ? "node1" : "node" + (i % 50), "w" + (i % 100)));
        }

        node.Pod.Apply(Spec);
        return node;
    }

    public static V1Pod PodObject(string ns, string name, string ip, string nodeName, string deployment) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            Uid = ns + "/" + name,
            Labels = new Dictionary<string, string> { ["pod-template-hash"] = "5f7c9d" },
            OwnerReferences = [new V1OwnerReference { Kind = "ReplicaSet", Name = deployment + "-5f7c9d", Controller = true, ApiVersion = "apps/v1", Uid = "rs" }],
        },
        Spec = new V1PodSpec { NodeName = nodeName },
        Status = new V1PodStatus { PodIP = ip, Phase = "Running" },
    };

    public static PluginRequest Request(PodNetwork network, bool conntrack, uint sampling = 1) => new(PacketParserPlugin.PluginName, new Dictionary<string, string>
    {
        ["podInterfacePrefixes"] = network.InterfacePrefix,
        ["conntrack"] = conntrack ? "true" : "false",
        ["sampling"] = sampling.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task<(double Packets, double Events)> KernelCountersAsync()
    {
        var text = await Metrics.ScrapeAsync();
        return (Sum(text, "stage=\"packets\""), Sum(text, "stage=\"events\""));
    }

    private static double Sum(string text, string label) =>
        text.Split('\n').Where(l => l.StartsWith("controlplane_networkobservability_packetparser_kernel_total{", StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Pod.Dispose();
        await Network.DisposeAsync();
        Directory.Delete(state, true);
    }
}
