using Microsoft.Extensions.Logging;
using Retina.Kube.Client;
using Retina.NodeRuntime.AdvancedMetrics;
using Retina.NodeRuntime.Capture;
using Retina.NodeRuntime.Capture.Outputs;
using Retina.NodeRuntime.Credentials;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Metrics.Health;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Plugins.ApiServerLatency;
using Retina.NodeRuntime.Triggers;

namespace Retina.NodeRuntime.Agent;

/// <summary>
/// Composes one node's runtime over a client: the metrics exporter, the plugin host (root only), the capture engine
/// and the agent loop. The DaemonSet and local mode both run exactly this. Disposing detaches everything we attached.
/// </summary>
public sealed partial class NodeRuntimeHost : IAsyncDisposable
{
    private readonly MetricsExporter exporter;
    private readonly PluginHost? plugins;
    private readonly CaptureRunner captures;
    private readonly FlightRecorderControl recorder;
    private readonly PodLevelMetrics podLevel;
    private readonly IAsyncDisposable podSource;
    private Trace.TraceRunner? traces;
    private ThresholdEvaluator? thresholds;
    private ApiServerEndpointFeed? apiServerFeed;
    private ControllerCredentialClient? credentialClient;
    private NodeAgentOptions options = new();
    private TimeProvider time = TimeProvider.System;
    private ILogger log = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    private NodeRuntimeHost(NodeAgent agent, MetricsExporter exporter, PluginHost? plugins, CaptureRunner captures, FlightRecorderControl recorder, NodeMetrics metrics,
        PodLevelMetrics podLevel, IAsyncDisposable podSource)
    {
        this.podLevel = podLevel;
        this.podSource = podSource;
        Agent = agent;
        this.exporter = exporter;
        this.plugins = plugins;
        this.captures = captures;
        this.recorder = recorder;
        Metrics = metrics;
    }

    public NodeAgent Agent { get; }

    public NodeMetrics Metrics { get; }

    public Uri? MetricsAddress => exporter.BoundAddress;

    /// <summary>Why parts were skipped (e.g. not root), for the operator to read.</summary>
    public List<string> Notices { get; } = [];

    public static async Task<NodeRuntimeHost> StartAsync(IKubeClient client, NodeAgentOptions options, ILoggerFactory loggers, TimeProvider time, CancellationToken ct,
        Action<PluginHostOptions>? configurePlugins = null, Func<CaptureEngineOptions, CaptureEngineOptions>? configureCapture = null,
        ICaptureCredentialSource? credentials = null)
    {
        var metrics = new NodeMetrics();
        var exporterOptions = new MetricsExporterOptions
        {
            Address = options.MetricsAddress,
            Authorizer = options.MetricsAuthentication == "TokenReview" ? new TokenReviewScrapeAuthorizer(client, options.NodeName, time) : null,
            Certificate = options.MetricsTlsCertFile is { Length: > 0 } cert && options.MetricsTlsKeyFile is { Length: > 0 } key
                ? System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(cert, key)
                : null,
            Readiness = () => ProbeAnswer.Failing("not converged: the runtime is starting\n"),
        };
        var exporter = new MetricsExporter(metrics, exporterOptions);
        await exporter.StartAsync(ct).ConfigureAwait(false);
        var notices = new List<string>();

        // The API server endpoints the apiserverlatency plugin probes: configured ones, and the cluster's own.
        var apiServers = new ApiServerEndpointSet();
        apiServers.Set("configured", (options.ApiServerEndpoints ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(e => ApiServerLatencySettings.TryParseEndpoint(e, out var ep) ? ep : null).OfType<System.Net.IPEndPoint>());
        var apiServerFeed = options.DiscoverApiServerEndpoints ? ApiServerEndpointFeed.Start(client, apiServers, loggers) : null;

        PluginHost? plugins = null;
        if (Environment.IsPrivilegedProcess)
        {
            var pluginOptions = new PluginHostOptions { NetworkNamespace = options.NetworkNamespace, StateDirectory = options.PluginStateDirectory, ApiServerEndpoints = apiServers };
            configurePlugins?.Invoke(pluginOptions);
            plugins = new PluginHost(pluginOptions, metrics, loggers);
        }
        else
        {
            notices.Add("eBPF plugins skipped: loading programs needs root (CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON)");
        }

        var memory = new CaptureMemoryBudget(options.CaptureMemoryMB * 1024 * 1024);
        // Policies arm the recorder through NodeRuntime.spec.flightRecorder; FlightRecorderMB keeps one on regardless. Its store
        // comes out of the capture memory budget while it runs.
        var recorder = new FlightRecorderControl(new FlightRecorderLimits
        {
            NetworkNamespacePath = options.NetworkNamespace,
            MaxBytes = options.FlightRecorderMaxMB * 1024 * 1024,
            AlwaysOnBytes = options.FlightRecorderMB * 1024 * 1024,
        }, memory, loggers.CreateLogger<FlightRecorderControl>());
        await recorder.ApplyAsync(null, ct).ConfigureAwait(false);

        Directory.CreateDirectory(options.WorkDirectory);
        Directory.CreateDirectory(options.CaptureBaseDirectory);
        var engineOptions = new CaptureEngineOptions
        {
            WorkDirectory = options.WorkDirectory,
            HostPathBaseDirectory = options.CaptureBaseDirectory,
            DiskBudget = new DiskBudget(options.DiskBudgetMB * 1024 * 1024, options.CaptureBaseDirectory, options.MinFreeBytes(TotalBytes(options.CaptureBaseDirectory))),
            MemoryBudget = memory,
            FlightRecorderControl = recorder,
            PlainHttp = new PlainHttpPolicy(options.PlainHttpOutputEndpoints),
        };
        var configured = configureCapture?.Invoke(engineOptions) ?? engineOptions;

        if (!Environment.IsPrivilegedProcess)
        {
            notices.Add("packet captures will fail on this host: AF_PACKET sockets need root (CAP_NET_RAW)");
        }

        var engine = new CaptureEngine(configured, loggers.CreateLogger<CaptureEngine>(), time);
        var credentialClient = credentials is null
            ? new ControllerCredentialClient(new ControllerCredentialOptions { Endpoint = options.CredentialEndpointUri, TokenPath = options.CredentialTokenPath, CaPath = options.ControllersCaPath })
            : null;
        var captures = new CaptureRunner(engine, credentials ?? credentialClient!, options, loggers.CreateLogger<CaptureRunner>());
        // Pod identities for the pod-level metrics, and the metrics themselves, shaped by NodeRuntime.spec.metrics.
        var cache = new EnrichmentCache(options.NodeName);
        IAsyncDisposable podSource;
        if (options.PodsFromNetworkNamespaces)
        {
            var netns = new NetnsPodSource(cache);
            netns.Start(TimeSpan.FromSeconds(2));
            podSource = netns;
        }
        else
        {
            podSource = EnrichmentFeed.Start(client, cache, new EnrichmentOptions { RemoteEndpoints = options.RemoteContext }, loggers);
        }

        var podLevel = new PodLevelMetrics(metrics, cache, new AdvancedMetricsOptions { RemoteContext = options.RemoteContext, MaxSeriesPerMetric = options.MaxSeriesPerMetric }, time);
        var agent = new NodeAgent(client, options, plugins, captures, loggers.CreateLogger<NodeAgent>(), time)
        {
            ApplyMetrics = (spec, _) =>
            {
                podLevel.Apply(spec);
                return Task.CompletedTask;
            },
            CappedMetrics = () => podLevel.CappedMetrics,
            RemoteContextProblem = () => (podSource as EnrichmentFeed)?.RemoteContextProblem,
            ApplyFlightRecorder = recorder.ApplyAsync,
            FlightRecorderStatus = recorder.Status,
        };
        var thresholds = ThresholdWiring.Create(metrics, plugins, cache, agent, time, loggers.CreateLogger<ThresholdEvaluator>());
        var traces = Trace.TraceWiring.Create(options, metrics, cache, loggers, time, configurePlugins,
            Trace.TraceUploadOptions.From(configured), credentials as ITraceCredentialSource ?? credentialClient);
        agent.Traces = traces;
        var probes = new RuntimeProbes(agent.Pulse, options.HeartbeatInterval, time);
        (exporterOptions.Liveness, exporterOptions.Readiness) = (probes.Liveness, probes.Readiness);
        var host = new NodeRuntimeHost(agent, exporter, plugins, captures, recorder, metrics, podLevel, podSource)
        {
            apiServerFeed = apiServerFeed, credentialClient = credentialClient, options = options, time = time, log = loggers.CreateLogger<NodeRuntimeHost>(),
            traces = traces, thresholds = thresholds,
        };
        host.Notices.AddRange(notices);
        return host;
    }

    public Task RunAsync(CancellationToken ct) => Task.WhenAll(Agent.RunAsync(ct), RetainAsync(ct), traces?.RunAsync(ct) ?? Task.CompletedTask,
        thresholds?.RunAsync(ct) ?? Task.CompletedTask);

    /// <summary>Deletes old delivered host-path tarballs, and the oldest beyond the total, every HostPathRetentionInterval.</summary>
    private async Task RetainAsync(CancellationToken ct)
    {
        var retention = new HostPathRetention(options.CaptureBaseDirectory, TimeSpan.FromHours(options.HostPathRetentionHours), options.HostPathRetentionMB * 1024 * 1024);
        using var timer = new PeriodicTimer(options.HostPathRetentionInterval, time);
        try
        {
            // Not at start: the runner learns which tarballs its assignments still need from the first pass.
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                foreach (var removed in retention.Sweep(time.GetUtcNow(), captures.AssignedHostPathFiles()))
                {
                    LogRetained(log, removed.Path, removed.Bytes, removed.Why);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Retention deleted {Path} ({Bytes} bytes): {Why}")]
    private static partial void LogRetained(ILogger logger, string path, long bytes, string why);

    private static long TotalBytes(string directory)
    {
        try
        {
            return new DriveInfo(directory).TotalSize;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await captures.DisposeAsync().ConfigureAwait(false);
        if (traces is not null)
        {
            await traces.DisposeAsync().ConfigureAwait(false);
        }

        if (plugins is not null)
        {
            await plugins.DisposeAsync().ConfigureAwait(false);
        }

        await recorder.DisposeAsync().ConfigureAwait(false);

        // After the plugins: packetparser records into the pod-level metrics until it is detached.
        podLevel.Dispose();
        await podSource.DisposeAsync().ConfigureAwait(false);
        credentialClient?.Dispose();
        if (apiServerFeed is not null)
        {
            await apiServerFeed.DisposeAsync().ConfigureAwait(false);
        }

        await exporter.DisposeAsync().ConfigureAwait(false);
    }
}
