using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Api.ShellSession;
using Retina.Controllers.Hosting;
using Retina.Controllers.Options;
using Retina.Controllers.ShellSession;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Store;
using Retina.Local.Shell;
using Retina.Testing.FakeKubeApi;
using Session = Retina.Api.ShellSession.ShellSession;

namespace Retina.Bench;

/// <summary>
/// "ShellSession applied → shell usable": in the cluster path (fake API, real controllers; the bench plays the kubelet
/// the moment the pod exists) up to status Running, and in local mode (root) up to a command's output read back
/// through the attach socket.
/// </summary>
public static class ShellSessionBench
{
    public static async Task RunAsync(int runs)
    {
        Console.WriteLine($"shellsession: applied → usable, {runs} runs each");
        var cluster = await ClusterAsync(runs);
        Console.WriteLine($"  cluster path (fake API): applied → pod created  p50 {P(cluster.Created, 50)} ms  p95 {P(cluster.Created, 95)} ms");
        Console.WriteLine($"  cluster path (fake API): applied → Running      p50 {P(cluster.Running, 50)} ms  p95 {P(cluster.Running, 95)} ms");
        if (!Environment.IsPrivilegedProcess || !OperatingSystem.IsLinux())
        {
            Console.WriteLine("  local mode: skipped (needs root on Linux)");
            return;
        }

        var local = await LocalAsync(runs);
        Console.WriteLine($"  local mode: applied → first command output      p50 {P(local, 50)} ms  p95 {P(local, 95)} ms");
        Console.WriteLine("  compare: kubectl debug node/... waits for image pull and container start (seconds); the controller's own part is above");
    }

    private static async Task<(List<double> Created, List<double> Running)> ClusterAsync(int runs)
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var client = api.CreateClient();
        using var stop = new CancellationTokenSource();
        var controllers = RetinaControllers.Create(client, new RetinaControllerOptions { Plugins = [] }, NullLoggerFactory.Instance, TimeProvider.System);
        var running = controllers.Select(c => c.RunAsync(stop.Token)).ToList();
        var created = new List<double>();
        var ready = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var name = $"bench-{i}";
            var watch = Stopwatch.StartNew();
            await client.CreateAsync(Session(name, "node-1"), CancellationToken.None);
            var podName = ShellNames.PodName("default", name);
            while (await client.GetAsync<V1Pod>(podName, "retina-system", CancellationToken.None) is null)
            {
                await Task.Delay(1);
            }

            created.Add(watch.Elapsed.TotalMilliseconds);
            var status = new V1PodStatus { Phase = "Running", ContainerStatuses = [new V1ContainerStatus { Name = "shell", Image = "x", ImageID = "x", Ready = true, RestartCount = 0, State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = DateTime.UtcNow } } }] };
            await client.PatchStatusAsync<V1Pod>(podName, "retina-system", KubePatch.Merge(new JsonObject { ["status"] = JsonNode.Parse(k8s.KubernetesJson.Serialize(status)) }), CancellationToken.None);
            while ((await client.GetAsync<Session>(name, "default", CancellationToken.None))?.Status?.Phase != ShellPhase.Running)
            {
                await Task.Delay(1);
            }

            ready.Add(watch.Elapsed.TotalMilliseconds);
        }

        await stop.CancelAsync();
        await Task.WhenAll(running);
        return (created, ready);
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static async Task<List<double>> LocalAsync(int runs)
    {
        var state = Path.Combine("/tmp", "rsb-" + Guid.NewGuid().ToString("N")[..6], "state");
        Directory.CreateDirectory(state);
        var store = new InMemoryKubeClient();
        using var stop = new CancellationTokenSource();
        var (controller, reconciler) = LocalShells.Create(store, ShellPolicy.Default, new LocalShellSettings("this-node", state), NullLoggerFactory.Instance, TimeProvider.System, new ControllerOptions());
        var run = controller.RunAsync(stop.Token);
        var results = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var name = $"bench-{i}";
            var watch = Stopwatch.StartNew();
            await store.CreateAsync(Session(name, LocalShellSettings.ThisHost), CancellationToken.None);
            var socket = LocalShellPaths.Socket(state, "default", name);
            while ((await store.GetAsync<Session>(name, "default", CancellationToken.None))?.Status?.Phase != ShellPhase.Running)
            {
                await Task.Delay(1);
            }

            using var input = new MemoryStream(Encoding.UTF8.GetBytes("echo READY$((1+1))\nexit\n"));
            using var output = new MemoryStream();
            await AttachClient.RunAsync(socket, input, output, terminal: false, CancellationToken.None);
            if (!Encoding.UTF8.GetString(output.ToArray()).Contains("READY2", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("the local shell did not answer");
            }

            results.Add(watch.Elapsed.TotalMilliseconds);
        }

        await stop.CancelAsync();
        await run;
        await reconciler.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(state)!, recursive: true);
        return results;
    }

    private static Session Session(string name, string node)
    {
        var s = new Session { ApiVersion = "retina.sh/v1alpha1", Kind = "ShellSession" };
        s.Metadata.Name = name;
        s.Metadata.NamespaceProperty = "default";
        s.Spec.Target.NodeName = node;
        s.Spec.Profile = "netadmin";
        s.Spec.Ttl = "5m";
        return s;
    }

    private static string P(List<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1)].ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    }
}
