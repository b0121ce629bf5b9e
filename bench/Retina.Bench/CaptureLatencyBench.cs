using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Api.Capture;
using Retina.Api.Common;
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
/// flushed to the pcapng file. Traffic arrives every millisecond on the captured interface. Needs root.
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

        var latencies = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var before = PcapFiles(work).ToDictionary(f => f, f => new FileInfo(f).Length);
            var capture = new CaptureObject();
            capture.Metadata.Name = $"lat-{i}";
            capture.Metadata.NamespaceProperty = "default";
            capture.Spec.CaptureConfiguration.CaptureTarget = new CaptureTarget { NodeSelector = new LabelSelector() };
            capture.Spec.CaptureConfiguration.IncludeMetadata = false;
            capture.Spec.CaptureConfiguration.CaptureOption = new CaptureOption { Duration = "2s", Interfaces = [pair.VethA], PcapFilter = "udp port 9" };
            capture.Spec.OutputConfiguration.HostPath = "latency";
            var clock = Stopwatch.StartNew();
            await client.CreateAsync(capture, CancellationToken.None);
            while (clock.Elapsed < TimeSpan.FromSeconds(30) && !HasPacket(work, before))
            {
                await Task.Delay(1);
            }

            latencies.Add(clock.Elapsed.TotalMilliseconds);
            await client.DeleteAsync<CaptureObject>(capture.Metadata.Name, "default", CancellationToken.None);
        }

        await stop.CancelAsync();
        await traffic;
        latencies.Sort();
        Console.WriteLine($"  p50 {latencies[latencies.Count / 2]:0} ms, p95 {latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(latencies.Count * 0.95) - 1)]:0} ms, max {latencies[^1]:0} ms (target p50 ≤ 1000 ms)");
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
