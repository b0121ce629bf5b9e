using System.Net;
using Microsoft.Extensions.Logging;

namespace Retina.NodeRuntime.Plugins.ApiServerLatency;

/// <summary>
/// Retina's API-server latency metrics, measured by probing: every interval the node connects to each API
/// server endpoint from its own network namespace, times the TCP handshake
/// (<c>node_apiserver_handshake_latency_ms</c>), sends a small request (a TLS ClientHello, or an HTTP GET)
/// and times the first bytes of the answer (<c>node_apiserver_latency</c>). A probe that gets no answer —
/// connect or request timed out, refused, reset or closed before any byte — counts once in
/// <c>node_apiserver_no_response</c>.
/// <para>
/// Endpoints: the <c>endpoints</c> setting, plus (unless <c>discover=false</c>) those the runtime host knows
/// (the <c>kubernetes</c> Service's EndpointSlice in a cluster, the configured server in local mode).
/// Probing runs on its own task: rounds start at most once per interval, with at most
/// <c>maxConcurrency</c> probes in flight and every wait bounded by <c>timeout</c>; Collect() has nothing to do.
/// </para>
/// <para>
/// Not a basic plugin. Retina derives these metrics from packetparser's packets in advanced (pod-level)
/// mode, so they exist only where a user asked for pod-level metrics. This plugin sends its own traffic to
/// the API server from every node, which an operator should choose to do: it runs when requested by name,
/// independently of packetparser (it needs no BPF).
/// </para>
/// </summary>
public sealed partial class ApiServerLatencyPlugin : INodePlugin
{
    public const string PluginName = "apiserverlatency";

    /// <summary>Endpoints probed per round at most (a cluster has a handful; this bounds a misconfiguration).</summary>
    public const int MaxEndpoints = 32;

    private CancellationTokenSource? stop;
    private Task? loop;

    public string Name => PluginName;

    public Task<PluginState> StartAsync(PluginContext context, IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        var parsed = ApiServerLatencySettings.Parse(settings, out var problems);
        if (parsed is null)
        {
            return Task.FromResult(PluginState.Failed(Name, "invalid settings: " + string.Join("; ", problems)));
        }

        if (!parsed.Discover && parsed.Endpoints.Count == 0)
        {
            return Task.FromResult(PluginState.Failed(Name, "nothing to probe: settings.endpoints is empty and settings.discover is false"));
        }

        var logger = context.Loggers.CreateLogger<ApiServerLatencyPlugin>();
        LogStarted(logger, parsed.Describe(), string.Join(", ", parsed.Endpoints.Select(e => e.ToString())), parsed.Discover);
        stop = new CancellationTokenSource();
        var token = stop.Token;
        loop = Task.Run(() => RunAsync(context, parsed, logger, token), CancellationToken.None);
        var hook = parsed.Request == ProbeRequest.Tls ? "tcp+tls probe" : "tcp+http probe";
        return Task.FromResult(PluginState.Running(Name, hook));
    }

    private static async Task RunAsync(PluginContext context, ApiServerLatencySettings settings, ILogger logger, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(settings.Interval);
        using var gate = new SemaphoreSlim(settings.MaxConcurrency, settings.MaxConcurrency);
        try
        {
            do
            {
                var endpoints = settings.Endpoints
                    .Concat(settings.Discover ? context.Options.ApiServerEndpoints.Current : [])
                    .Distinct()
                    .Take(MaxEndpoints)
                    .ToList();
                await Task.WhenAll(endpoints.Select(e => ProbeAsync(context, settings, e, gate, logger, ct))).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private static async Task ProbeAsync(PluginContext context, ApiServerLatencySettings settings, IPEndPoint endpoint, SemaphoreSlim gate, ILogger logger, CancellationToken ct)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var result = await ApiServerProbe.RunAsync(context.Netns, endpoint, settings.Request, settings.Timeout, ct).ConfigureAwait(false);
            Record(context, result);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug or a namespace gone: counted and logged, and the next round tries again.
            context.Metrics.PluginFailures.WithLabels(PluginName, "probe").Inc();
            LogProbeError(logger, endpoint.ToString(), ex.Message);
        }
        finally
        {
            gate.Release();
        }
    }

    private static void Record(PluginContext context, ApiServerProbeResult result)
    {
        if (result.Outcome == ApiServerProbeOutcome.Cancelled)
        {
            return;
        }

        var m = context.Metrics;
        if (result.HandshakeMs is { } handshake)
        {
            m.ApiServerHandshakeLatency.Observe(handshake);
        }

        if (result.ResponseMs is { } response)
        {
            m.ApiServerLatency.Observe(response);
        }

        if (result.Outcome != ApiServerProbeOutcome.Answered)
        {
            m.ApiServerNoResponse.Inc();
        }
    }

    /// <summary>The probes record straight into the histograms; there is nothing to move before a scrape.</summary>
    public void Collect()
    {
    }

    public async ValueTask DisposeAsync()
    {
        if (stop is null)
        {
            return;
        }

        await stop.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        stop.Dispose();
        stop = null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "apiserverlatency: {Description}; endpoints [{Endpoints}], discovered endpoints too: {Discover}")]
    private static partial void LogStarted(ILogger logger, string description, string endpoints, bool discover);

    [LoggerMessage(Level = LogLevel.Warning, Message = "apiserverlatency: probe of {Endpoint} failed: {Reason}")]
    private static partial void LogProbeError(ILogger logger, string endpoint, string reason);
}
