using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Api.NodeRuntime;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Tests.Enrichment;
using Retina.NodeRuntime.Trace;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;

namespace Retina.NodeRuntime.Tests.Trace;

/// <summary>
/// A node namespace with pods behind veths (each a pod record shop/&lt;name&gt; in the enrichment cache), the real
/// bpf/trace kernel side and a <see cref="TraceRunner"/> writing under a temporary capture base. Disposing removes it all.
/// </summary>
internal sealed class TraceBed : IAsyncDisposable
{
    public static readonly string[] PodNames = ["web-1", "db-0", "cache-0", "batch-0"];

    private TraceBed(PodNetwork net, EnrichmentCache cache, string baseDir, string stateDir)
    {
        Net = net;
        Cache = cache;
        BaseDirectory = baseDir;
        StateDirectory = stateDir;
        Runner = NewRunner();
    }

    public PodNetwork Net { get; }

    public EnrichmentCache Cache { get; }

    public string BaseDirectory { get; }

    public string StateDirectory { get; }

    public TraceRunner Runner { get; private set; }

    /// <summary>The kernel side of <see cref="Runner"/>.</summary>
    public TraceKernel Kernel { get; private set; } = null!;

    /// <summary>The node metrics <see cref="Kernel"/> publishes in (a fresh registry for each <see cref="NewRunner"/>).</summary>
    public NodeMetrics Metrics { get; private set; } = null!;

    /// <summary>The logger the next <see cref="NewRunner"/> gets (tests that read the log set it first).</summary>
    public Microsoft.Extensions.Logging.ILogger? Logger { get; set; }

    public PodNetwork.Pod Pod(int i) => Net.Pods[i];

    public static string PodKey(int i) => "shop/" + PodNames[i];

    public static async Task<TraceBed> StartAsync(string prefix, int pods)
    {
        var net = await PodNetwork.CreateAsync(prefix, pods);
        var cache = new EnrichmentCache("node1");
        for (var i = 0; i < pods; i++)
        {
            cache.UpsertPod(TestPods.Pod("shop", PodNames[i], net.Pods[i].Address, deployment: i == 0 ? "web" : null,
                labels: new Dictionary<string, string> { ["app"] = PodNames[i].Split('-')[0] }));
        }

        return new TraceBed(net, cache, Directory.CreateTempSubdirectory("retina-trace-base-").FullName, Directory.CreateTempSubdirectory("retina-trace-state-").FullName);
    }

    /// <summary>A fresh runner (and kernel side) over the same node, as a restarted runtime would make.</summary>
    /// <param name="ringBufferBytes">The kernel ring's size (null: the object's 4 MiB); 4096 holds about 40 records.</param>
    public TraceRunner NewRunner(int maxConcurrent = 4, TraceUploadOptions? uploads = null, Retina.NodeRuntime.Credentials.ITraceCredentialSource? credentials = null, long? bytesPerMegabyte = null, int? eventChannelCapacity = null,
        uint? ringBufferBytes = null)
    {
        Metrics = new NodeMetrics();
        var kernel = Kernel = new TraceKernel(new PluginHostOptions
        {
            NetworkNamespace = Net.Node,
            StateDirectory = StateDirectory,
            DefaultInterfaces = Net.Pods.Select(p => p.HostVeth).ToList(),
            EventChannelCapacity = eventChannelCapacity ?? 8192,
        }, Metrics, NullLoggerFactory.Instance) { RingBufferBytes = ringBufferBytes ?? 0 };
        Runner = new TraceRunner(kernel, Cache, new TraceRunnerOptions
        {
            NodeName = "node1", CaptureBaseDirectory = BaseDirectory, MaxConcurrent = maxConcurrent,
            Uploads = uploads ?? new TraceUploadOptions(), Credentials = credentials,
            BytesPerMegabyte = bytesPerMegabyte ?? Retina.NodeRuntime.Capture.CaptureRequest.BytesPerMegabyte,
        }, Logger ?? NullLogger.Instance);
        return Runner;
    }

    public NodeTraceAssignment Assignment(string name, string[] events, params int[] pods) => new()
    {
        Key = $"shop/{name}/uid-{name}",
        Namespace = "shop",
        Name = name,
        Events = [.. events],
        PodIps = pods.Select(i => Net.Pods[i].Address).ToList(),
        HostPath = "traces/" + name,
        StartTime = DateTime.UtcNow,
    };

    public async Task StartAsync(params NodeTraceAssignment[] assignments) =>
        await Runner.ConvergeAsync(assignments, [], CancellationToken.None);

    public NodeTraceStatus Status(string key) => Runner.Report().Single(s => s.Key == key);

    /// <summary>Ticks the runner (flush, durations) until the trace's status satisfies <paramref name="done"/>.</summary>
    public async Task<NodeTraceStatus> WaitAsync(string key, Func<NodeTraceStatus, bool> done, string because)
    {
        await Until.TrueAsync(async () =>
        {
            await Runner.TickAsync();
            return done(Status(key));
        }, because);
        await Runner.TickAsync();
        return Status(key);
    }

    public long Kind(string key, string kind) => Status(key).EventsByKind?.GetValueOrDefault(kind) ?? 0;

    public string TraceDirectory(string name) => Path.Combine(BaseDirectory, "traces", name);

    /// <summary>Every line of every file of the trace, oldest file first, parsed.</summary>
    public List<JsonObject> Lines(string name)
    {
        var lines = new List<JsonObject>();
        foreach (var f in Directory.GetFiles(TraceDirectory(name), "*.jsonl.gz").OrderBy(File.GetLastWriteTimeUtc).ThenBy(f => f, StringComparer.Ordinal))
        {
            lines.AddRange(ReadGzipLines(f).Select(l => JsonNode.Parse(l)!.AsObject()));
        }

        return lines;
    }

    public static List<string> ReadGzipLines(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        var lines = new List<string>();
        while (reader.ReadLine() is { } l)
        {
            lines.Add(l);
        }

        return lines;
    }

    public async ValueTask DisposeAsync()
    {
        await Runner.DisposeAsync();
        await Net.DisposeAsync();
        Directory.Delete(BaseDirectory, true);
        Directory.Delete(StateDirectory, true);
    }
}
