using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Retina.Api.NodeRuntime;
using Retina.Kube.Client;
using Retina.Kube.Informers;
using Retina.NodeRuntime.Metrics.Health;
using Retina.NodeRuntime.Plugins;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.NodeRuntime.Agent;

/// <summary>
/// The node runtime's control loop: it watches only this node's NodeRuntime, converges the node to its spec
/// (plugins, captures), and writes status with a heartbeat. Level-triggered: every pass reads the latest spec.
/// </summary>
public sealed partial class NodeAgent(
    IKubeClient client,
    NodeAgentOptions options,
    PluginHost? plugins,
    CaptureRunner captures,
    ILogger<NodeAgent> logger,
    TimeProvider time)
{
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private IReadOnlyList<PluginRequest> appliedPlugins = [];
    private string lastFingerprint = "";
    private DateTime lastWrite = DateTime.MinValue;

    /// <summary>Extra metrics the runtime reports as capped (the pod-level metrics layer sets this).</summary>
    public Func<IReadOnlyList<string>> CappedMetrics { get; set; } = () => [];

    /// <summary>Why remote context cannot name other nodes' pods (condition RemoteContextDegraded), or null.</summary>
    public Func<string?> RemoteContextProblem { get; set; } = () => null;

    /// <summary>Called with the merged metric shaping whenever the spec changes it.</summary>
    public Func<NodeMetricsSpec?, CancellationToken, Task> ApplyMetrics { get; set; } = (_, _) => Task.CompletedTask;

    /// <summary>Runs NodeRuntime.spec.traces (null: traces are not run by this runtime).</summary>
    public Trace.TraceRunner? Traces { get; set; }

    /// <summary>Called with NodeRuntime.spec.flightRecorder on every pass (null: no policy needs it).</summary>
    public Func<NodeFlightRecorderSpec?, CancellationToken, Task> ApplyFlightRecorder { get; set; } = (_, _) => Task.CompletedTask;

    /// <summary>The flight recorder's state for status (null: not reported).</summary>
    public Func<NodeFlightRecorderStatus?> FlightRecorderStatus { get; set; } = () => null;

    /// <summary>Called with NodeRuntime.spec.triggers on every pass (the thresholds this node evaluates).</summary>
    public Action<IReadOnlyList<NodeTriggerSpec>?> ApplyTriggers { get; set; } = _ => { };

    /// <summary>The thresholds' breach episodes for status.triggers (null: none).</summary>
    public Func<List<NodeTriggerStatus>?> TriggerStatus { get; set; } = () => null;

    /// <summary>Asks for a pass now (a threshold's episode started or ended: the controller should hear of it at once).</summary>
    public void Wake() => wake.Writer.TryWrite(true);

    /// <summary>Liveness bookkeeping for /healthz and /readyz: when the loop turned, what its last pass converged to.</summary>
    public AgentPulse Pulse { get; } = new();

    public async Task RunAsync(CancellationToken ct)
    {
        var informer = new Informer<NodeRuntimeObject>(client, new InformerOptions { FieldSelector = $"metadata.name={options.NodeName}" }, logger, time);
        informer.AddHandler(new WakeHandler(wake.Writer));
        captures.Changed += () => wake.Writer.TryWrite(true);
        if (Traces is not null)
        {
            Traces.Changed += () => wake.Writer.TryWrite(true);
        }

        Pulse.Syncing = true;
        var informerTask = informer.RunAsync(ct);
        try
        {
            await informer.WaitForSyncAsync(ct).ConfigureAwait(false);
            LogStarted(logger, options.NodeName);
            Pulse.Syncing = false;
            while (!ct.IsCancellationRequested)
            {
                Pulse.Turned(time.GetUtcNow());
                var runtime = informer.Cache.Get(ObjectKey.Cluster(options.NodeName));
                if (runtime is not null)
                {
                    await PassAsync(runtime, ct).ConfigureAwait(false);
                }

                var interval = captures.Active > 0 || Traces?.Active > 0 ? options.ProgressInterval : options.HeartbeatInterval;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(interval);
                try
                {
                    await wake.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // The interval passed: a heartbeat pass.
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            await informerTask.ConfigureAwait(false);
        }
    }

    private async Task PassAsync(NodeRuntimeObject runtime, CancellationToken ct)
    {
        var spec = runtime.Spec;
        string? failure = null;
        try
        {
            // Metric shaping first: packetparser records into it from the moment it starts.
            await ApplyMetrics(spec.Metrics, ct).ConfigureAwait(false);
            var desired = (spec.Plugins ?? []).Select(p => new PluginRequest(p.Name, p.Settings ?? new Dictionary<string, string>())).ToList();
            if (plugins is not null && !SamePlugins(desired, appliedPlugins))
            {
                await plugins.ApplyAsync(desired, ct).ConfigureAwait(false);
                appliedPlugins = desired;
            }
            // Before captures: a pre-trigger capture assigned with its policy's first firing finds the recorder running.
            await ApplyFlightRecorder(spec.FlightRecorder, ct).ConfigureAwait(false);
            ApplyTriggers(spec.Triggers);
            await captures.ConvergeAsync(spec.Captures ?? [], runtime.Status?.Captures ?? [], ct).ConfigureAwait(false);
            if (Traces is not null)
            {
                await Traces.ConvergeAsync(spec.Traces ?? [], runtime.Status?.Traces ?? [], ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One failing part never stops the loop: it is reported and retried on the next pass.
            LogPassFailed(logger, e.Message);
            failure = e.Message;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var current = plugins?.Current ?? [];
        Pulse.Passed(new AgentPulse.LastPass(now, runtime.Metadata.Generation, [.. (spec.Plugins ?? []).Select(p => p.Name)], current, plugins is not null, failure));
        var status = NodeStatusBuilder.Build(spec, runtime.Metadata.Generation, current, captures.Report(), CappedMetrics(), Kernel, now);
        status.Traces = Traces?.Report() is { Count: > 0 } traces ? traces : null;
        if (RemoteContextProblem() is { } contextProblem)
        {
            Api.Common.Conditions.Set(status.Conditions!, "RemoteContextDegraded", Api.Common.ConditionStatus.True, "NoRetinaEndpoints", contextProblem, runtime.Metadata.Generation, now);
        }

        status.FlightRecorder = FlightRecorderStatus();
        status.Triggers = TriggerStatus();
        var fingerprint = NodeStatusBuilder.Fingerprint(status);
        if (fingerprint == lastFingerprint && now - lastWrite < options.HeartbeatInterval)
        {
            return;
        }

        try
        {
            await client.PatchStatusAsync<NodeRuntimeObject>(options.NodeName, null, KubePatch.Merge(NodeStatusBuilder.Patch(status)), ct).ConfigureAwait(false);
            (lastFingerprint, lastWrite) = (fingerprint, now);
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            // A failed status write (API 5xx, throttling past the client's retries, a timeout) must not end the loop:
            // the node would stop heart-beating for good. The next pass writes the then-current status.
            LogStatusWriteFailed(logger, e.Message);
        }
    }

    private static bool SamePlugins(IReadOnlyList<PluginRequest> a, IReadOnlyList<PluginRequest> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.SameAs(p.Second));

    private static string Kernel { get; } = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : Environment.OSVersion.VersionString;

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Node runtime for {Node} watching its NodeRuntime")]
    private static partial void LogStarted(ILogger logger, string node);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Converging the node failed (retried next pass): {Reason}")]
    private static partial void LogPassFailed(ILogger logger, string reason);

    private sealed class WakeHandler(ChannelWriter<bool> writer) : IInformerHandler<NodeRuntimeObject>
    {
        public void OnAdd(NodeRuntimeObject obj) => writer.TryWrite(true);

        public void OnUpdate(NodeRuntimeObject oldObj, NodeRuntimeObject newObj) => writer.TryWrite(true);

        public void OnDelete(NodeRuntimeObject obj) => writer.TryWrite(true);
    }

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Writing this node's status failed, retrying on the next pass: {Reason}")]
    private static partial void LogStatusWriteFailed(ILogger logger, string reason);
}
