using Microsoft.Extensions.Logging;
using Retina.Api.NodeRuntime;
using Retina.NodeRuntime.Enrichment;

namespace Retina.NodeRuntime.Trace;

/// <summary>
/// Runs the traces assigned to this node (NodeRuntime.spec.traces) as <see cref="Agent.CaptureRunner"/> runs captures:
/// one <see cref="NodeTrace"/> per key, started once, brought up to date with each later assignment (its pods' addresses,
/// its PVC copies), stopped on <c>stop</c>, dropped when withdrawn. After a runtime
/// restart, a trace the last status reported Running continues in a new file with reason RuntimeRestarted and its
/// earlier counts and files kept; one reported finished stays finished. The kernel side is armed exactly while a
/// trace runs, with the union of the running traces' addresses, each marked with the slots (<see cref="TraceSlots"/>)
/// of the traces that include it, so each trace reports the ring-full losses of its own records.
/// </summary>
public sealed partial class TraceRunner : IAsyncDisposable
{
    private readonly TraceKernel? kernel;
    private readonly EnrichmentCache cache;
    private readonly TraceRunnerOptions options;
    private readonly ILogger logger;
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private readonly TraceSlots slots = new();
    private readonly SemaphoreSlim applying = new(1, 1);
    private volatile NodeTrace[] running = [];

    /// <param name="kernel">Null where the runtime cannot load eBPF (not root): traces fail with a reason.</param>
    public TraceRunner(TraceKernel? kernel, EnrichmentCache cache, TraceRunnerOptions options, ILogger logger)
    {
        this.kernel = kernel;
        this.cache = cache;
        this.options = options;
        this.logger = logger;
        if (options.MaxConcurrent > TraceSlots.Capacity)
        {
            // NodeAgentOptions refuses this at start-up: each running trace needs one of the kernel's 64 slot bits.
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxConcurrent, $"MaxConcurrent must not exceed {TraceSlots.Capacity} (trace slots)");
        }

        if (kernel is not null)
        {
            kernel.Record = Dispatch;
            kernel.RecordLost = DispatchLost;
        }
    }

    /// <summary>Raised when a trace finished, so status is written at once.</summary>
    public event Action? Changed;

    public int Active => running.Length;

    /// <summary>Whether bpf/trace is loaded and attached (exactly while a trace runs).</summary>
    public bool KernelArmed => kernel?.Armed ?? false;

    public async Task ConvergeAsync(IReadOnlyList<NodeTraceAssignment> desired, IReadOnlyList<NodeTraceStatus> reported, CancellationToken ct)
    {
        var now = options.Time.GetUtcNow();
        var wanted = desired.ToDictionary(a => a.Key, StringComparer.Ordinal);
        lock (gate)
        {
            foreach (var gone in entries.Values.Where(e => !wanted.ContainsKey(e.Key)).ToList())
            {
                LogWithdrawn(logger, gone.Key);
                gone.Trace?.Dispose();
                entries.Remove(gone.Key);
            }

            foreach (var a in desired)
            {
                if (!entries.TryGetValue(a.Key, out var e) || e.Queued)
                {
                    var previous = e?.Restored ?? reported.FirstOrDefault(r => r.Key == a.Key);
                    entries[a.Key] = e = a.Stop == true && e?.Queued == true ? Ended(a.Key, now)
                        : WouldRun(previous) && RunningCount() >= options.MaxConcurrent ? Queue(a.Key)
                        : Start(a, e?.Queued == true ? null : previous, now);
                }
                else
                {
                    e.Trace?.Update(a);
                }

                if (a.Stop == true)
                {
                    e.Trace?.Stop(now);
                }
            }
        }

        await ApplyKernelAsync().ConfigureAwait(false);
    }

    private int RunningCount() => entries.Values.Count(e => e.Trace is { Running: true });

    private bool WouldRun(NodeTraceStatus? previous) => kernel is not null && previous is not { Phase: "Completed" or "Failed" };

    private Entry Queue(string key) => new(key)
    {
        Queued = true,
        Restored = new NodeTraceStatus
        {
            Key = key, Phase = "Pending", Reason = TraceReasons.Queued,
            Message = $"this node already runs its maximum of {options.MaxConcurrent} concurrent traces (MaxConcurrentTraces); this one starts when one of them ends",
        },
    };

    private static Entry Ended(string key, DateTimeOffset now) => new(key)
    {
        Restored = new NodeTraceStatus
        {
            Key = key, Phase = "Completed", Reason = TraceReasons.Stopped, CompletionTime = now.UtcDateTime, Events = 0,
            Message = "stopped while queued (MaxConcurrentTraces): nothing was traced on this node",
        },
    };

    private Entry Start(NodeTraceAssignment a, NodeTraceStatus? previous, DateTimeOffset now)
    {
        if (previous is { Phase: "Completed" or "Failed" })
        {
            return new Entry(a.Key) { Restored = previous };
        }

        if (kernel is null)
        {
            return new Entry(a.Key)
            {
                Restored = new NodeTraceStatus
                {
                    Key = a.Key, Phase = "Failed", Reason = TraceReasons.KernelUnavailable, CompletionTime = now.UtcDateTime,
                    Message = "traces need the node runtime to load eBPF programs (root: CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN)",
                },
            };
        }

        var interrupted = previous is { Phase: "Running" or "Uploading" } ? previous : null;
        if (interrupted is not null)
        {
            LogRestarted(logger, a.Key);
        }

        // The slot's kernel count so far is the trace's zero: a reused slot never brings its last trace's losses.
        var slot = slots.Acquire(HeldSlots());
        return new Entry(a.Key) { Trace = new NodeTrace(a, options, cache, now, interrupted, kernel.SlotLost(slot), logger, () => Changed?.Invoke()) { Slot = slot } };
    }

    private ulong HeldSlots() => entries.Values.Select(e => e.Trace).Where(t => t is { Running: true }).Aggregate(0UL, (m, t) => m | TraceSlots.Bit(t!.Slot));

    /// <summary>The kernel slot of a running trace (its ring-full losses are counted under it); null when it holds none.</summary>
    public int? SlotOf(string key)
    {
        lock (gate)
        {
            return entries.TryGetValue(key, out var e) && e.Trace is { Running: true } t ? t.Slot : null;
        }
    }

    /// <summary>Arms the kernel with the running traces' addresses, or disarms it when none runs.</summary>
    private async Task ApplyKernelAsync()
    {
        // One pass at a time, each reading the traces when it starts: an older address set never lands after a newer one.
        await applying.WaitAsync().ConfigureAwait(false);
        try
        {
            await ApplyKernelOnceAsync().ConfigureAwait(false);
        }
        finally
        {
            applying.Release();
        }
    }

    private async Task ApplyKernelOnceAsync()
    {
        NodeTrace[] now;
        lock (gate)
        {
            now = entries.Values.Select(e => e.Trace).OfType<NodeTrace>().Where(t => t.Running).ToArray();
        }

        running = now;
        if (kernel is null)
        {
            return;
        }

        var ips = new Dictionary<IpKey, ulong>();
        var wholeNode = 0UL;
        var mask = 0UL;
        foreach (var t in now)
        {
            var bit = TraceSlots.Bit(t.Slot);
            mask |= bit;
            wholeNode |= t.Filter.WholeNode ? bit : 0;
            foreach (var ip in t.Filter.PodAddresses)
            {
                ips[ip] = ips.GetValueOrDefault(ip) | bit;
            }
        }

        lock (gate)
        {
            slots.Applying(mask);
        }

        await kernel.ApplyAsync(now.Length > 0, ips, wholeNode).ConfigureAwait(false);
        lock (gate)
        {
            slots.Applied(mask);
        }
    }

    private void Dispatch(TraceRecord r)
    {
        foreach (var t in running)
        {
            t.Offer(r);
        }
    }

    private void DispatchLost(IReadOnlyList<string> kinds, IpKey source, IpKey destination)
    {
        foreach (var t in running)
        {
            t.OfferLost(kinds, source, destination);
        }
    }

    /// <summary>Flushes files and ends traces whose duration passed; disarms the kernel when the last one ended.</summary>
    public async Task TickAsync()
    {
        var now = options.Time.GetUtcNow();
        var before = running;
        foreach (var t in before)
        {
            t.Tick(now);
        }

        if (before.Any(t => !t.Running))
        {
            await ApplyKernelAsync().ConfigureAwait(false);
            Changed?.Invoke();
        }
    }

    /// <summary>Ticks every FlushInterval until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.FlushInterval, options.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    await TickAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or Native.Libbpf.BpfException)
                {
                    LogTickFailed(logger, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>The status entry of every assigned trace.</summary>
    public List<NodeTraceStatus> Report()
    {
        lock (gate)
        {
            var problems = kernel?.Problems ?? [];
            return entries.Values.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e =>
            {
                // Its own slot's ring-full count (read only while it runs: a trace's count stops when it ends, and the slot may be another's since).
                var s = e.Restored ?? e.Trace!.Report(kernel!.SlotLost(e.Trace.Slot));
                if (problems.Count > 0 && s.Phase == "Running")
                {
                    // A hook this kernel lacks is said where the user looks, not only in the runtime's log.
                    s.Message = s.Message + "; " + string.Join("; ", problems);
                }

                return s;
            }).ToList();
        }
    }

    /// <summary>Problems of the kernel side (hooks this kernel lacks), for the trace status messages and the runtime's notices.</summary>
    public IReadOnlyList<string> KernelProblems => kernel?.Problems ?? [];

    public async ValueTask DisposeAsync()
    {
        lock (gate)
        {
            foreach (var e in entries.Values)
            {
                e.Trace?.Dispose();
            }

            entries.Clear();
        }

        running = [];
        if (kernel is not null)
        {
            await kernel.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Trace {Key} withdrawn by the controller: stopping it")]
    private static partial void LogWithdrawn(ILogger logger, string key);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "Trace {Key} was running when the node runtime restarted: continuing in a new file")]
    private static partial void LogRestarted(ILogger logger, string key);

    [LoggerMessage(EventId = 702, Level = LogLevel.Warning, Message = "Trace tick failed (retried next tick): {Reason}")]
    private static partial void LogTickFailed(ILogger logger, string reason);

    private sealed class Entry(string key)
    {
        public string Key { get; } = key;

        public NodeTrace? Trace { get; init; }

        public NodeTraceStatus? Restored { get; init; }

        /// <summary>Waiting for a free slot (MaxConcurrentTraces): started by a later pass.</summary>
        public bool Queued { get; init; }
    }
}
