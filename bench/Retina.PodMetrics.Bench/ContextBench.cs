using System.Diagnostics;
using System.Globalization;
using System.Net;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Controllers.Hosting;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.NodeRuntime.Enrichment;
using Retina.Testing.FakeKubeApi;

namespace Retina.PodMetrics.Bench;

/// <summary>
/// Context modes at cluster scale: a fake API server holding N realistic pods over M nodes, and one node runtime's
/// enrichment feed in a child process (so its RSS is its own), in local context, remote context from full Pods (the
/// old way) and remote context from RetinaEndpoints (the slim projection the controllers mirror). Bytes are counted
/// by a TCP relay between the node and the server: the initial list, then a churn of annotation changes on 1 000
/// pods (readiness and status churn look the same to a watcher) and two new pods, one local and one remote.
/// </summary>
internal static class ContextBench
{
    private const string Node = "node-007";
    private const string RemoteNode = "node-042";
    private const int Churn = 1_000;

    private static readonly string[] Modes = ["local", "remote-pods", "remote-endpoints"];

    public static async Task RunAsync(int pods, int nodes)
    {
        Console.WriteLine($"Context modes: one node's enrichment feed, {pods:N0} pods (~{PodJsonBytes() / 1024.0:F1} KiB of JSON each) over {nodes} nodes ({pods / nodes} on this node), fake API server");
        await using var server = await FakeKubeApiServer.StartAsync(o => o.HistoryLimit = 50_000);
        using var client = server.CreateClient();
        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, pods), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await CreatePodAsync(client, RealisticPods.Pod(i, "node-" + (i % nodes).ToString("D3", CultureInfo.InvariantCulture)), ct));
        Console.WriteLine($"  created {pods:N0} pods in {sw.Elapsed.TotalSeconds:F0} s");

        using var stopController = new CancellationTokenSource();
        var controller = RetinaControllers.RetinaEndpoints(client, NullLoggerFactory.Instance, TimeProvider.System, new ControllerOptions());
        var controllerRun = Task.Run(() => controller.RunAsync(stopController.Token));
        sw.Restart();
        while ((await client.ListAsync<Retina.Api.RetinaEndpoint.RetinaEndpoint>(new ListOptions(), default)).Items.Count < pods)
        {
            await Task.Delay(500);
        }

        Console.WriteLine($"  controller mirrored {pods:N0} RetinaEndpoints in {sw.Elapsed.TotalSeconds:F0} s");
        await using var proxy = CountingProxy.Start(server.BaseUri);
        var rows = new List<string[]>();
        var next = pods;
        foreach (var mode in Modes)
        {
            proxy.Reset();
            var expected = mode == "local" ? pods / nodes : pods;
            using var child = StartChild(mode, proxy.Address, expected);
            var synced = await ReadAsync(child, "synced");
            var listBytes = proxy.Received;

            var random = new Random(7);
            await Parallel.ForEachAsync(Enumerable.Range(0, Churn), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
            {
                var p = RealisticPods.Pod(random.Next(pods), "");
                await client.PatchAsync<V1Pod>(p.Metadata.Name, p.Metadata.NamespaceProperty,
                    KubePatch.Merge("{\"metadata\":{\"annotations\":{\"bench/churn\":\"" + mode + "\"}}}"), ct);
            });
            var local = next++;
            var remote = next++;
            await CreatePodAsync(client, RealisticPods.Pod(local, Node), default);
            await CreatePodAsync(client, RealisticPods.Pod(remote, RemoteNode), default);
            await child.StandardInput.WriteLineAsync($"markers {RealisticPods.Ip(local)} {(mode == "local" ? "-" : RealisticPods.Ip(remote))}");
            var done = await ReadAsync(child, "done");
            var watchBytes = proxy.Received - listBytes;
            child.StandardInput.Close();
            await child.WaitForExitAsync();

            rows.Add([
                mode, Int(synced[4]), Mib(synced[2]), MibBytes(Long(synced[2]) - Long(synced[1])), Mib(done[1]), Mib(synced[3]), Mib(done[2]), MibBytes(listBytes), MibBytes(watchBytes), MibBytes(watchBytes * nodes), synced[5],
            ]);
        }

        await stopController.CancelAsync();
        await controllerRun;
        Console.WriteLine();
        string[] header = ["mode", "pods cached", "RSS MiB", "RSS delta MiB", "RSS after churn", "heap MiB", "heap after churn", "list MiB", "watch MiB", $"watch x {nodes} nodes", "sync s"];
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length))).ToArray();
        Console.WriteLine("  " + string.Join("  ", header.Select((h, c) => h.PadLeft(widths[c]))));
        foreach (var r in rows)
        {
            Console.WriteLine("  " + string.Join("  ", r.Select((v, c) => v.PadLeft(widths[c]))));
        }

        Console.WriteLine($"  (RSS/heap after a forced full GC; \"RSS\" and \"heap\" right after the initial list, while its response is still");
        Console.WriteLine($"   reachable; \"after churn\" = steady state. RSS delta = RSS after sync minus the idle child's RSS before the feed started.");
        Console.WriteLine($"   watch = what the node received for {Churn:N0} annotation changes anywhere in the cluster and 2 new pods; x nodes = the API server's fan-out.)");
    }

    /// <summary>The child: one node's feed over <paramref name="url"/>; prints its memory once synced and after the churn.</summary>
    public static async Task<int> NodeAsync(string mode, string url, int expected)
    {
        using var client = new KubeApiClient(new KubernetesClientConfiguration { Host = url });
        var baseline = Settle();
        var options = new EnrichmentOptions
        {
            WatchServices = false,
            WatchNodes = false,
            AllPods = mode == "remote-pods",
            RemoteEndpoints = mode == "remote-endpoints",
        };
        var sw = Stopwatch.StartNew();
        await using var feed = EnrichmentFeed.Start(client, Node, options);
        await feed.WaitForSyncAsync(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        while (feed.Cache.PodCount < expected)
        {
            await Task.Delay(50);
        }

        var seconds = sw.Elapsed.TotalSeconds;
        var (rss, heap) = Settle();
        Console.WriteLine(FormattableString.Invariant($"synced {baseline.Rss} {rss} {heap} {feed.Cache.PodCount} {seconds:F1}"));
        var markers = (Console.ReadLine() ?? "").Split(' ');
        foreach (var ip in markers.Skip(1).Where(m => m != "-"))
        {
            while (feed.Cache.Lookup(IPAddress.Parse(ip)) is null)
            {
                await Task.Delay(50);
            }
        }

        (rss, heap) = Settle();
        Console.WriteLine(FormattableString.Invariant($"done {rss} {heap}"));
        Console.ReadLine();
        return 0;
    }

    private static (long Rss, long Heap) Settle()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        var rss = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return (long.Parse(rss, CultureInfo.InvariantCulture) * 1024, heap);
    }

    private static Process StartChild(string mode, Uri url, int expected)
    {
        var host = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(host) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            psi.ArgumentList.Add(typeof(ContextBench).Assembly.Location);
        }

        foreach (var a in new[] { "context-node", mode, url.ToString(), expected.ToString(CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi)!;
    }

    private static async Task<string[]> ReadAsync(Process child, string tag)
    {
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return line.Split(' ');
            }
        }

        throw new InvalidOperationException($"the node process ended before reporting {tag}");
    }

    private static async Task CreatePodAsync(IKubeClient client, V1Pod pod, CancellationToken ct)
    {
        var status = pod.Status;
        pod.Status = null;
        await client.CreateAsync(pod, ct);
        await client.PatchStatusAsync<V1Pod>(pod.Metadata.Name, pod.Metadata.NamespaceProperty,
            KubePatch.Merge("{\"status\":" + KubernetesJson.Serialize(status) + "}"), ct);
    }

    private static long PodJsonBytes() => KubernetesJson.Serialize(RealisticPods.Pod(12345, "node-001")).Length;

    private static string Int(string s) => long.Parse(s, CultureInfo.InvariantCulture).ToString("N0", CultureInfo.InvariantCulture);

    private static long Long(string s) => long.Parse(s, CultureInfo.InvariantCulture);

    private static string Mib(string bytes) => MibBytes(Long(bytes));

    private static string MibBytes(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture);
}
