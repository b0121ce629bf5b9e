using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Native.Libbpf;
using Retina.Native.Libc;
using Retina.NodeRuntime.Metrics;

namespace Retina.NodeRuntime.Plugins;

/// <summary>
/// Runs the desired set of plugins and converges to a new set at run time without a restart.
/// One failing plugin never stops the others; disposing detaches everything attached.
/// </summary>
public sealed partial class PluginHost : IAsyncDisposable
{
    private readonly PluginHostOptions options;
    private readonly NodeMetrics metrics;
    private readonly ILoggerFactory loggers;
    private readonly ILogger logger;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<string, Running> running = [];
    private readonly Dictionary<string, PluginState> states = [];
    private PluginContext? context;
    private volatile bool disposed;

    public PluginHost(PluginHostOptions options, NodeMetrics metrics, ILoggerFactory? loggers = null)
    {
        this.options = options;
        this.metrics = metrics;
        this.loggers = loggers ?? NullLoggerFactory.Instance;
        logger = this.loggers.CreateLogger<PluginHost>();
        foreach (var name in PluginCatalog.Names)
        {
            states[name] = new PluginState(name, PluginPhase.Disabled, null, null);
        }

        metrics.Registry.AddBeforeCollectCallback(Collect);
    }

    private sealed record Running(PluginRequest Request, INodePlugin Plugin);

    /// <summary>State of every known plugin; those not requested are Disabled.</summary>
    public IReadOnlyList<PluginState> Current
    {
        get
        {
            lock (states)
            {
                return PluginCatalog.Names.Select(n => states[n])
                    .Concat(states.Where(kv => !PluginCatalog.Names.Contains(kv.Key)).Select(kv => kv.Value))
                    .ToList();
            }
        }
    }

    /// <summary>The answer of every kernel probe on this node (for NodeRuntime.status); empty before the first apply.</summary>
    public IReadOnlyDictionary<string, ProbeResult> Probes =>
        context is null ? new Dictionary<string, ProbeResult>() : AllProbes.ToDictionary(n => n, context.Probes.Probe);

    private static readonly string[] AllProbes =
    [
        ProbeNames.Bpf, ProbeNames.Tcx, ProbeNames.Clsact, ProbeNames.RingBuffer, ProbeNames.Tracefs,
        ProbeNames.KfreeSkb, ProbeNames.TcpRetransmitSkb, ProbeNames.DropReasonBtf, ProbeNames.Procfs,
    ];

    /// <summary>Kernel ids of the BPF programs this host has loaded now (to check that nothing of ours remains after dispose).</summary>
    public IReadOnlyList<uint> ProgramIds => context?.ProgramIds() ?? [];

    /// <summary>How many leftover filters of a crashed earlier run were removed at start.</summary>
    public int LeftoversRemoved { get; private set; }

    /// <summary>Converges to <paramref name="desired"/>: stops plugins no longer wanted or whose settings changed, starts new ones.</summary>
    public async Task ApplyAsync(IReadOnlyList<PluginRequest> desired, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        await gate.WaitAsync(ct);
        try
        {
            var ctx = await EnsureContextAsync();
            var wanted = desired.GroupBy(r => r.Name).ToDictionary(g => g.Key, g => g.Last());

            foreach (var (name, r) in running.ToList())
            {
                if (!wanted.TryGetValue(name, out var req) || !req.SameAs(r.Request))
                {
                    await StopAsync(name, r);
                }
            }

            foreach (var (name, req) in wanted)
            {
                ct.ThrowIfCancellationRequested();
                if (!running.ContainsKey(name))
                {
                    await StartAsync(ctx, req, ct);
                }
            }

            foreach (var name in states.Keys.ToList())
            {
                if (!wanted.ContainsKey(name) && !running.ContainsKey(name))
                {
                    if (PluginCatalog.Names.Contains(name))
                    {
                        SetState(new PluginState(name, PluginPhase.Disabled, null, null));
                    }
                    else
                    {
                        RemoveState(name); // an unknown name asked for earlier and no longer
                    }
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task StartAsync(PluginContext ctx, PluginRequest req, CancellationToken ct)
    {
        var plugin = PluginCatalog.Create(req.Name);
        if (plugin is null)
        {
            SetState(PluginState.Failed(req.Name, $"unknown plugin (known: {string.Join(", ", PluginCatalog.Names)})"));
            return;
        }

        PluginState state;
        try
        {
            state = await plugin.StartAsync(ctx, req.Settings, ct);
        }
        catch (Exception ex) when (ex is BpfException or IOException or UnauthorizedAccessException or DllNotFoundException)
        {
            state = PluginState.Failed(req.Name, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug in one plugin must not stop the others: report it as that plugin's failure.
            state = PluginState.Failed(req.Name, $"internal error: {ex.GetType().Name}: {ex.Message}");
        }

        if (state.State == PluginPhase.Failed)
        {
            await plugin.DisposeAsync();
            metrics.PluginFailures.WithLabels(req.Name, "failed").Inc();
            LogPluginFailed(logger, req.Name, state.Reason ?? "");
        }
        else
        {
            lock (states)
            {
                running[req.Name] = new Running(req, plugin);
            }

            if (state.State == PluginPhase.Degraded)
            {
                metrics.PluginFailures.WithLabels(req.Name, "degraded").Inc();
                LogPluginDegraded(logger, req.Name, state.Hook ?? "", state.Reason ?? "");
            }
            else
            {
                LogPluginRunning(logger, req.Name, state.Hook ?? "");
            }
        }

        SetState(state);
    }

    private async Task StopAsync(string name, Running r)
    {
        lock (states)
        {
            running.Remove(name);
        }

        await r.Plugin.DisposeAsync();
        SetState(new PluginState(name, PluginPhase.Disabled, null, null));
    }

    private void SetState(PluginState state)
    {
        lock (states)
        {
            if (states.TryGetValue(state.Name, out var old))
            {
                metrics.PluginUp.RemoveLabelled(state.Name, old.State.ToString(), old.Hook ?? "");
            }

            states[state.Name] = state;
            metrics.PluginUp.WithLabels(state.Name, state.State.ToString(), state.Hook ?? "").Set(1);
        }
    }

    private void RemoveState(string name)
    {
        lock (states)
        {
            if (states.Remove(name, out var old))
            {
                metrics.PluginUp.RemoveLabelled(name, old.State.ToString(), old.Hook ?? "");
            }
        }
    }

    private async Task<PluginContext> EnsureContextAsync()
    {
        if (context is not null)
        {
            return context;
        }

        if (options.MountKernelFilesystems && Environment.IsPrivilegedProcess)
        {
            foreach (var (path, fs) in new[] { (KernelFilesystems.TracefsPath, "tracefs"), (KernelFilesystems.BpffsPath, "bpf") })
            {
                if (KernelFilesystems.EnsureMounted(path, fs) is { } why)
                {
                    LogMountFailed(logger, why);
                }
            }
        }

        LibbpfLog.Install();
        var netns = await Task.Run(() => NetnsThread.Start(options.NetworkNamespace));
        if (Environment.IsPrivilegedProcess)
        {
            LeftoversRemoved = await Task.Run(() => ClsactLedger.CleanUpDeadInstances(options.StateDirectory, m => LogLeftover(logger, m)));
        }

        var ledger = new ClsactLedger(options.StateDirectory);
        context = new PluginContext(options, metrics, new KernelProbes(options), netns, ledger, loggers);
        return context;
    }

    /// <summary>Has every running plugin publish its counters now (node-local thresholds read them once a second).</summary>
    public void CollectNow() => Collect();

    private void Collect()
    {
        if (disposed)
        {
            return;
        }

        List<Running> list;
        lock (states)
        {
            list = running.Values.ToList();
        }

        foreach (var r in list)
        {
            try
            {
                r.Plugin.Collect();
            }
            catch (Exception ex) when (ex is BpfException or IOException or ObjectDisposedException)
            {
                metrics.PluginFailures.WithLabels(r.Plugin.Name, "collect").Inc();
            }
        }
    }

    /// <summary>Detaches everything this host attached, and removes its ledger.</summary>
    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        await gate.WaitAsync();
        try
        {
            foreach (var (name, r) in running.ToList())
            {
                await StopAsync(name, r);
            }

            disposed = true;
            context?.Ledger.Dispose();
            context?.Netns.Dispose();
        }
        finally
        {
            gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "plugin {Plugin} running on {Hook}")]
    private static partial void LogPluginRunning(ILogger logger, string plugin, string hook);

    [LoggerMessage(Level = LogLevel.Warning, Message = "plugin {Plugin} degraded on {Hook}: {Reason}")]
    private static partial void LogPluginDegraded(ILogger logger, string plugin, string hook, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "plugin {Plugin} failed: {Reason}")]
    private static partial void LogPluginFailed(ILogger logger, string plugin, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reason}")]
    private static partial void LogMountFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Message}")]
    private static partial void LogLeftover(ILogger logger, string message);
}
