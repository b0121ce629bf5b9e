using System.Diagnostics;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Api.MetricsConfiguration;
using Retina.Controllers.Hosting;
using Retina.Controllers.Options;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Testing.FakeKubeApi;
using MetricsConfig = Retina.Api.MetricsConfiguration.MetricsConfiguration;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Bench;

/// <summary>
/// Reconcile throughput and latency through the real KubernetesClient stack against the fake API server, and the
/// fan-out of one MetricsConfiguration change to every node's NodeRuntime (time to converge, API writes per node).
/// </summary>
public static class ControllerBench
{
    /// <summary>
    /// Runs the whole bench with the fake's CRD schema validation off and on, twice each and alternating, after a small
    /// warm-up of both (so neither pays the JIT), so the figures read side by side on a machine shared with other work.
    /// </summary>
    public static async Task RunAsync(int configs, int nodes)
    {
        Console.WriteLine("warm-up (not figures):");
        await RunOnceAsync(Math.Max(1, configs / 10), Math.Max(1, nodes / 20), validateSchemas: false);
        await RunOnceAsync(Math.Max(1, configs / 10), Math.Max(1, nodes / 20), validateSchemas: true);
        Console.WriteLine("figures:");
        foreach (var validate in new[] { false, true, false, true })
        {
            await RunOnceAsync(configs, nodes, validate);
        }
    }

    private static async Task RunOnceAsync(int configs, int nodes, bool validateSchemas)
    {
        Console.WriteLine($"controllers: {configs} MetricsConfigurations, then a fan-out to {nodes} nodes (fake API over loopback HTTP, schema validation {(validateSchemas ? "on" : "off")})");
        await using var api = await FakeKubeApiServer.StartAsync(o => o.ValidateSchemas = validateSchemas);
        var client = api.CreateClient();
        using var stop = new CancellationTokenSource();
        var options = new RetinaControllerOptions { Plugins = ["packetforward", "dropreason"] };
        var controllers = RetinaControllers.Create(client, options, NullLoggerFactory.Instance, TimeProvider.System,
            new ControllerOptions { Workers = 4 });
        var running = Task.WhenAll(controllers.Select(c => c.RunAsync(stop.Token)));

        await ReconcileThroughputAsync(client, configs);
        await FanOutAsync(api, client, nodes);

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task ReconcileThroughputAsync(IKubeClient client, int count)
    {
        var created = new Dictionary<string, long>();
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var name = $"bench-{i}";
            created[name] = Stopwatch.GetTimestamp();
            await client.CreateAsync(Config(name, "drop_count"), CancellationToken.None);
        }

        var pending = new HashSet<string>(created.Keys);
        while (pending.Count > 0 && clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            var list = await client.ListAsync<MetricsConfig>(new ListOptions(), CancellationToken.None);
            foreach (var c in list.Items.Where(c => pending.Contains(c.Metadata.Name) && c.Status?.State == MetricsState.Accepted))
            {
                pending.Remove(c.Metadata.Name);
                latencies.Add(Stopwatch.GetElapsedTime(created[c.Metadata.Name]).TotalMilliseconds);
            }

            await Task.Delay(5);
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        latencies.Sort();
        Console.WriteLine($"  reconcile: {count} objects accepted in {elapsed:0.00} s = {count / elapsed:0} reconciles/s; create→status latency p50 {Percentile(latencies, 0.5):0} ms, p95 {Percentile(latencies, 0.95):0} ms, max {latencies.LastOrDefault():0} ms");
        foreach (var name in created.Keys)
        {
            await client.DeleteAsync<MetricsConfig>(name, null, CancellationToken.None);
        }
    }

    private static async Task FanOutAsync(FakeKubeApiServer api, IKubeClient client, int nodes)
    {
        for (var i = 0; i < nodes; i++)
        {
            await client.CreateAsync(new V1Node { ApiVersion = "v1", Kind = "Node", Metadata = new V1ObjectMeta { Name = $"node-{i:0000}" } }, CancellationToken.None);
        }

        await WaitAsync(client, nodes, r => r.Spec.Plugins?.Count == 2 && r.Spec.Metrics is null, "every node has its NodeRuntime");
        var writesBefore = api.WriteCount("noderuntimes");
        var clock = Stopwatch.StartNew();
        await client.CreateAsync(Config("fanout", "forward_count"), CancellationToken.None);
        await WaitAsync(client, nodes, r => r.Spec.Metrics?.Sources?.Any(s => s.Name == "fanout") == true, "every NodeRuntime carries the configuration");
        var converge = clock.Elapsed.TotalSeconds;
        var writes = api.WriteCount("noderuntimes") - writesBefore;
        Console.WriteLine($"  fan-out: one MetricsConfiguration → {nodes} NodeRuntimes converged in {converge:0.00} s ({nodes / converge:0} nodes/s); API writes per node {(double)writes / nodes:0.00}");
    }

    private static async Task WaitAsync(IKubeClient client, int nodes, Func<NodeRuntimeObject, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            var list = await client.ListAsync<NodeRuntimeObject>(new ListOptions(), CancellationToken.None);
            if (list.Items.Count == nodes && list.Items.All(done))
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"bench: timed out waiting until {what}");
    }

    private static MetricsConfig Config(string name, string metric)
    {
        var c = new MetricsConfig();
        c.Metadata.Name = name;
        c.Spec.ContextOptions = [new MetricsContextOptions { MetricName = metric, SourceLabels = ["ip", "podname"] }];
        c.Spec.Namespaces = new MetricsNamespaces { Include = ["default"] };
        return c;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
