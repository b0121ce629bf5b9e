using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Controllers.Alerts;
using Retina.Controllers.Hosting;
using Retina.Controllers.Options;
using Retina.Native.Libc;
using Retina.Native.Packet;
using Retina.NodeRuntime.Agent;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.Netns;
using CaptureObject = Retina.Api.Capture.Capture;

namespace Retina.Bench;

/// <summary>
/// "Capture applied → first packet on disk" through the whole path: the Capture created in the (fake) API server,
/// the controllers' watch and assignment, the node runtime's watch, socket and filter set-up, and the first packet
/// flushed to the pcapng file; and, side by side in the same run, the same Capture fired by an Alertmanager post to the
/// receiver (issue 12). Traffic arrives every millisecond on the captured interface. Needs root.
/// </summary>
public static class CaptureLatencyBench
{
    public static async Task RunAsync(int runs)
    {
        Console.WriteLine($"capture latency: Capture applied → first packet on disk, {runs} runs (fake API + real controllers + node runtime in a namespace)");
        await using var pair = await NetnsPair.CreateAsync("lat");
        await using var api = await FakeKubeApiServer.StartAsync();
        using var client = api.CreateClient();
        var root = Directory.CreateTempSubdirectory("capture-latency-").FullName;
        using var stop = new CancellationTokenSource();
        var controllers = RetinaControllers.Create(client, new RetinaControllerOptions { Plugins = [] }, NullLoggerFactory.Instance, TimeProvider.System);
        var running = controllers.Select(c => c.RunAsync(stop.Token)).ToList();
        await client.CreateAsync(new V1Node { ApiVersion = "v1", Kind = "Node", Metadata = new V1ObjectMeta { Name = "node-a" } }, CancellationToken.None);
        var work = Path.Combine(root, "work");
        await using var host = await NodeRuntimeHost.StartAsync(client, new NodeAgentOptions
        {
            NodeName = "node-a",
            NetworkNamespace = NetworkNamespace.PathOf(pair.NamespaceA),
            MetricsAddress = "127.0.0.1:0",
            CaptureBaseDirectory = Path.Combine(root, "captures"),
            WorkDirectory = work,
            PluginStateDirectory = Path.Combine(root, "plugins"),
        }, NullLoggerFactory.Instance, TimeProvider.System, stop.Token);
        running.Add(host.RunAsync(stop.Token));

        using var sender = NetnsThread.Start(pair.NamespaceB);
        var socket = await sender.RunAsync(() => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        var to = new IPEndPoint(IPAddress.Parse(pair.AddressA), 9);
        var traffic = Task.Run(async () =>
        {
            var payload = new byte[32];
            while (!stop.IsCancellationRequested)
            {
                socket.SendTo(payload, to);
                await Task.Delay(1);
            }
        });

        // The receiver as local mode runs it (plain HTTP, token file), on the same API: alert-fired Captures go through it.
        var tokenFile = Path.Combine(root, "alert-token");
        var receiverPort = Retina.Testing.Azurite.NodeTool.FreePort();
        running.Add(AlertWebhookServiceCollectionExtensions.RunStandaloneAsync(client, new IPEndPoint(IPAddress.Loopback, receiverPort),
            new AlertWebhookOptions { TokenFile = tokenFile }, NullLoggerFactory.Instance, AlertWebhookMetrics.Default, stop.Token));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{receiverPort}") };
        var token = "";
        while (token.Length == 0)
        {
            await Task.Delay(10);
            token = File.Exists(tokenFile) ? (await File.ReadAllTextAsync(tokenFile)).Trim() : "";
        }

        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        CaptureSpec Spec() => new()
        {
            CaptureConfiguration = new CaptureConfiguration
            {
                CaptureTarget = new CaptureTarget { NodeSelector = new LabelSelector() },
                IncludeMetadata = false,
                CaptureOption = new CaptureOption { Duration = "2s", Interfaces = [pair.VethA], PcapFilter = "udp port 9", OutputFormat = CaptureOption.FormatPcapng },
            },
            OutputConfiguration = new OutputConfiguration { HostPath = "latency" },
        };

        var applied = new List<double>();
        var fired = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            // Side by side, alternating: a Capture applied, then the same Capture fired by an Alertmanager post.
            var capture = new CaptureObject { Spec = Spec() };
            capture.Metadata.Name = $"lat-{i}";
            capture.Metadata.NamespaceProperty = "default";
            applied.Add(await FirstPacketAsync(work, () => client.CreateAsync(capture, CancellationToken.None)));
            await client.DeleteAsync<CaptureObject>(capture.Metadata.Name, "default", CancellationToken.None);

            var policy = new Api.CapturePolicy.CapturePolicy();
            policy.Metadata.Name = $"alert-{i}";
            policy.Metadata.NamespaceProperty = "default";
            policy.Spec.CaptureTemplate = Spec();
            policy.Spec.Triggers = [new Api.CapturePolicy.CaptureTrigger { Name = "bench", Alert = new Api.CapturePolicy.AlertTrigger { AlertName = $"Bench{i}" } }];
            await client.CreateAsync(policy, CancellationToken.None);
            var post = $$"""
                {"version":"4","status":"firing","receiver":"retina","groupKey":"bench","truncatedAlerts":0,
                 "alerts":[{"status":"firing","labels":{"alertname":"Bench{{i}}"},"annotations":{},"startsAt":"{{DateTimeOffset.UtcNow:O}}","fingerprint":"bench{{i}}"}]}
                """;
            fired.Add(await FirstPacketAsync(work, async () =>
            {
                using var response = await http.PostAsync(new Uri(AlertWebhookEndpoint.Path, UriKind.Relative), new StringContent(post, System.Text.Encoding.UTF8, "application/json"));
                response.EnsureSuccessStatusCode();
            }));
            await client.DeleteAsync<Api.CapturePolicy.CapturePolicy>(policy.Metadata.Name, "default", CancellationToken.None);
            foreach (var child in (await client.ListAsync<CaptureObject>(new Kube.Client.ListOptions { Namespace = "default", LabelSelector = ChildCapture.PolicyLabel }, CancellationToken.None)).Items)
            {
                await client.DeleteAsync<CaptureObject>(child.Metadata.Name, "default", CancellationToken.None);
            }
        }

        await stop.CancelAsync();
        await traffic;
        Console.WriteLine("  Capture applied → first packet on disk:         " + Percentiles(applied) + " (target p50 ≤ 1000 ms)");
        Console.WriteLine("  Alertmanager post → child's first packet on disk: " + Percentiles(fired) + " (same path plus the receiver and the policy's status claim)");
        foreach (var task in running)
        {
            try
            {
                await task.WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (OperationCanceledException)
            {
            }
        }

        Directory.Delete(root, recursive: true);
    }

    /// <summary>Milliseconds from <paramref name="start"/> until a new capture file holds a packet (at most 30 s).</summary>
    private static async Task<double> FirstPacketAsync(string work, Func<Task> start)
    {
        var before = PcapFiles(work).ToDictionary(f => f, f => new FileInfo(f).Length);
        var clock = Stopwatch.StartNew();
        await start();
        while (clock.Elapsed < TimeSpan.FromSeconds(30) && !HasPacket(work, before))
        {
            await Task.Delay(1);
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    private static string Percentiles(List<double> ms)
    {
        var sorted = ms.Order().ToList();
        return $"p50 {sorted[sorted.Count / 2]:0} ms, p95 {sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(sorted.Count * 0.95) - 1)]:0} ms, max {sorted[^1]:0} ms";
    }


    private static IEnumerable<string> PcapFiles(string work) =>
        Directory.Exists(work) ? Directory.EnumerateFiles(work, "*.pcapng", SearchOption.AllDirectories) : [];

    /// <summary>A capture file that is new since before the Capture was applied and holds an Enhanced Packet Block.</summary>
    private static bool HasPacket(string work, Dictionary<string, long> before) =>
        PcapFiles(work).Any(f => !before.ContainsKey(f) && HoldsPacketBlock(f));

    private static bool HoldsPacketBlock(string file)
    {
        try
        {
            var bytes = File.ReadAllBytes(file);
            for (var at = 0; at + 12 <= bytes.Length;)
            {
                var type = BitConverter.ToUInt32(bytes, at);
                var length = (int)BitConverter.ToUInt32(bytes, at + 4);
                if (type == 6 && at + length <= bytes.Length)
                {
                    return true;
                }

                if (length < 12)
                {
                    return false;
                }

                at += length;
            }
        }
        catch (IOException)
        {
        }

        return false;
    }
}
