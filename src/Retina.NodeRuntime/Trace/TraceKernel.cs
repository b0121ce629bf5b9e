using Microsoft.Extensions.Logging;
using Retina.Native.Libbpf;
using Retina.Native.Libc;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Plugins.DropReason;
using Retina.NodeRuntime.Plugins.Interfaces;
using Retina.NodeRuntime.Plugins.PacketParser;

namespace Retina.NodeRuntime.Trace;

/// <summary>
/// bpf/trace on this node: loaded and attached only while at least one trace runs (<see cref="ApplyAsync"/> with
/// armed false detaches every hook and closes the object: an idle node carries no trace program), with the traced
/// addresses kept in the kernel's map so untraced traffic is filtered there. Records go to <see cref="Record"/>
/// on one consumer task. Hooks this kernel lacks are skipped and named in <see cref="Problems"/>.
/// Each address carries the mask of the trace slots (<see cref="TraceSlots"/>) whose trace includes it, so the kernel
/// counts a record it had no room for under those traces' slots (<see cref="SlotLost"/>).
/// Its losses are the node's lost_events{type="trace"} like any plugin's: reason ringbuf_full (the kernel's
/// <see cref="RingBufferFull"/>, read at every scrape), channel_full and handler_error (the pump's, <see cref="WriterBehind"/>)
/// and malformed; the counts carry on across the object being unloaded and loaded again.
/// </summary>
public sealed class TraceKernel : IAsyncDisposable
{
    public const string ObjectName = "trace";

    private static readonly (string Program, string Category, string Name)[] Tracepoints =
    [
        ("retina_tr_drop", "skb", "kfree_skb"),
        ("retina_tr_rtx", "tcp", "tcp_retransmit_skb"),
        ("retina_tr_rsts", "tcp", "tcp_send_reset"),
        ("retina_tr_rstr", "tcp", "tcp_receive_reset"),
        ("retina_tr_conn", "sock", "inet_sock_set_state"),
    ];

    private readonly PluginHostOptions options;
    private readonly NodeMetrics metrics;
    private readonly ILoggerFactory loggers;
    private readonly SemaphoreSlim gate = new(1, 1);

    // Held briefly by readers of the loaded object's counters (a scrape, a trace's report) and by arming and
    // disarming while they swap the object and the pump and fold the counts of the old ones into *Before.
    private readonly object counters = new();
    private readonly RingLossCounter ringLoss;
    private readonly Dictionary<IpKey, ulong> installed = [];
    private readonly ulong[] slotLostBefore = new ulong[TraceSlots.Capacity];
    private readonly List<IDisposable> links = [];
    private PluginContext? context;
    private BpfObject? obj;
    private InterfaceTracker? tracker;
    private EventPump? pump;
    private TraceRecordDecoder? decoder;
    private ulong lostBefore;
    private long writerBehindBefore;
    private long malformed;

    public TraceKernel(PluginHostOptions options, NodeMetrics metrics, ILoggerFactory loggers)
    {
        this.options = options;
        this.metrics = metrics;
        this.loggers = loggers;
        ringLoss = new RingLossCounter(() => (ulong)RingBufferFull, ObjectName);
        metrics.Registry.AddBeforeCollectCallback(Collect);
    }

    /// <summary>Called for every decoded record, on the pump's consumer task.</summary>
    public Action<TraceRecord> Record { get; set; } = _ => { };

    /// <summary>Told of each record the writer had no room for (kinds it can be, its addresses), so the traces it belonged to count it.</summary>
    public Action<IReadOnlyList<string>, IpKey, IpKey> RecordLost { get; set; } = (_, _, _) => { };

    /// <summary>Hooks that could not be attached on this kernel, and why (empty when all run).</summary>
    public IReadOnlyList<string> Problems { get; private set; } = [];

    public bool Armed => obj is not null;

    /// <summary>Size of the ring buffer in bytes (a power of two, at least 4096); 0: the object's 4 MiB. Tests shrink it to overflow it.</summary>
    public uint RingBufferBytes { get; init; }

    /// <summary>Events the kernel could not put in the ring buffer (full), since the runtime started: the node's total (its metric).</summary>
    public long RingBufferFull
    {
        get
        {
            lock (counters)
            {
                return (long)(lostBefore + (obj is { IsClosed: false } o ? o.Map("retina_tr_lost").SumPerCpuU64(0) : 0));
            }
        }
    }

    /// <summary>
    /// Events the kernel could not put in the ring buffer that named an address (or the whole-node mask) of
    /// <paramref name="slot"/>, since the runtime started. Never reset: a trace reports the growth since it took the slot.
    /// </summary>
    public long SlotLost(int slot)
    {
        TraceSlots.Bit(slot);
        lock (counters)
        {
            return (long)(slotLostBefore[slot] + (obj is { IsClosed: false } o ? o.Map("retina_tr_slost").SumPerCpuU64((uint)slot) : 0));
        }
    }

    /// <summary>Records taken from the ring that did not fit the consumer's queue (or that it threw on), since the runtime started.</summary>
    public long WriterBehind
    {
        get
        {
            lock (counters)
            {
                return writerBehindBefore + (pump?.Lost ?? 0);
            }
        }
    }

    /// <summary>
    /// Moves the kernel's ring-full count into lost_events{type="trace", reason="ringbuf_full"} (on every scrape; the
    /// pump counts its own losses there as they happen).
    /// </summary>
    public void Collect()
    {
        lock (counters)
        {
            ringLoss.Report(metrics);
        }
    }

    public long Malformed => Interlocked.Read(ref malformed);

    /// <summary>Program ids of the loaded object (none when idle).</summary>
    public IReadOnlyList<uint> ProgramIds => obj is { IsClosed: false } o ? o.ProgramIds() : [];

    /// <summary>
    /// Arms (or disarms) the hooks and makes the kernel's address map exactly <paramref name="slotsByAddress"/> (each
    /// address with the mask of the slots whose trace includes it; entries that did not change are not rewritten), and
    /// its whole-node mask <paramref name="wholeNodeSlots"/> (non-zero: every address is in scope).
    /// </summary>
    public async Task ApplyAsync(bool armed, IReadOnlyDictionary<IpKey, ulong> slotsByAddress, ulong wholeNodeSlots)
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!armed)
            {
                await DisarmAsync().ConfigureAwait(false);
                return;
            }

            if (obj is null)
            {
                await ArmAsync().ConfigureAwait(false);
            }

            var map = obj!.Map("retina_tr_ips");
            foreach (var gone in installed.Keys.Where(a => slotsByAddress.GetValueOrDefault(a) == 0).ToList())
            {
                map.TryDelete(Key(gone));
                installed.Remove(gone);
            }

            // A zero mask is no trace's address: the kernel reads presence as "in scope", so it is not installed.
            foreach (var (add, slots) in slotsByAddress.Where(a => a.Value != 0 && installed.GetValueOrDefault(a.Key) != a.Value))
            {
                map.Update(Key(add), slots);
                installed[add] = slots;
            }

            obj.Map("retina_tr_cfg").Update(0u, wholeNodeSlots);
        }
        finally
        {
            gate.Release();
        }
    }

    private static Addr16 Key(IpKey ip)
    {
        var a = default(Addr16);
        ip.WriteBytes(a);
        return a;
    }

    private async Task ArmAsync()
    {
        context ??= await CreateContextAsync().ConfigureAwait(false);
        var names = DropReasonNames.FromKernel() ?? new DropReasonNames([]);
        decoder ??= new TraceRecordDecoder(names, new KernelSymbols());
        var ring = RingBufferBytes;
        var o = context.LoadObject(ObjectName, ring == 0 ? null : b => b.Map("retina_tr_evts").SetMaxEntries(ring));
        if (o.StructSize("tr_event") != TraceRecordDecoder.HeaderSize || o.StructSize("tr_dns_event") != TraceRecordDecoder.DnsEventSize)
        {
            o.Dispose();
            throw new BpfException($"bpf/trace: struct tr_event is {o.StructSize("tr_event")} bytes, expected {TraceRecordDecoder.HeaderSize}", 0);
        }

        if (o.StructSize("trace_cfg") != sizeof(ulong))
        {
            o.Dispose();
            throw new BpfException($"bpf/trace: struct trace_cfg is {o.StructSize("trace_cfg")} bytes, expected {sizeof(ulong)} (the whole-node slot mask)", 0);
        }

        lock (counters)
        {
            obj = o;
        }

        installed.Clear();
        o.Map("retina_config").Update(0u, new RetinaConfig { NetnsInode = context.NetnsFilter });
        var problems = new List<string>();
        // Records that do not fit are counted by the pump (Lost, and the node's metric): traces report them as WriterBehind, never silently.
        var p = new EventPump(o.Map("retina_tr_evts"), ObjectName, metrics, options.EventChannelCapacity, Handle, OnLost);
        lock (counters)
        {
            pump = p;
        }

        foreach (var (program, category, name) in Tracepoints)
        {
            try
            {
                links.Add(o.Program(program).AttachTracepoint(category, name));
            }
            catch (BpfException e)
            {
                problems.Add($"tracepoint {category}:{name} unavailable on this kernel ({e.Message}): its events are not recorded");
            }
        }

        var selection = InterfaceSelection.FromSettings(new Dictionary<string, string>(), options, InterfaceRole.Host, InterfaceRole.Pod, InterfaceRole.Tunnel);
        tracker = new InterfaceTracker(context, o.Program("retina_tr_ing"), o.Program("retina_tr_egr"), selection);
        await tracker.RescanAsync().ConfigureAwait(false);
        if (tracker.LastFailure is { } f)
        {
            problems.Add("dns and udp connect events: " + f);
        }

        tracker.Start(NodeAttachment.DefaultRescanInterval, "trace");
        Problems = problems;
    }

    private void Handle(ReadOnlyMemory<byte> record)
    {
        var r = decoder!.Decode(record.Span);
        if (r is null)
        {
            Interlocked.Increment(ref malformed);
            metrics.Lost(ObjectName, "malformed");
            return;
        }

        Record(r);
    }

    private void OnLost(ReadOnlySpan<byte> record)
    {
        if (TraceRecordDecoder.Peek(record) is { } p)
        {
            RecordLost(p.Kinds, p.Source, p.Destination);
        }
    }

    private async Task DisarmAsync()
    {
        if (tracker is not null)
        {
            await tracker.DisposeAsync().ConfigureAwait(false);
            tracker = null;
        }

        foreach (var l in links)
        {
            l.Dispose();
        }

        links.Clear();
        if (pump is not null)
        {
            // Drained first: its count is final once it is folded in.
            await pump.DisposeAsync().ConfigureAwait(false);
            lock (counters)
            {
                writerBehindBefore += pump.Lost;
                pump = null;
            }
        }

        if (obj is not null)
        {
            lock (counters)
            {
                lostBefore += obj.Map("retina_tr_lost").SumPerCpuU64(0);
                var slots = obj.Map("retina_tr_slost");
                for (var i = 0; i < TraceSlots.Capacity; i++)
                {
                    slotLostBefore[i] += slots.SumPerCpuU64((uint)i);
                }

                obj.Dispose();
                obj = null;
            }
        }

        installed.Clear();
        Problems = [];
    }

    private async Task<PluginContext> CreateContextAsync()
    {
        LibbpfLog.Install();
        Directory.CreateDirectory(options.StateDirectory);
        var netns = await Task.Run(() => NetnsThread.Start(options.NetworkNamespace)).ConfigureAwait(false);
        ClsactLedger.CleanUpDeadInstances(options.StateDirectory);
        return new PluginContext(options, metrics, new KernelProbes(options), netns, new ClsactLedger(options.StateDirectory), loggers);
    }

    public async ValueTask DisposeAsync()
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await DisarmAsync().ConfigureAwait(false);
            context?.Ledger.Dispose();
            context?.Netns.Dispose();
            context = null;
        }
        finally
        {
            gate.Release();
        }
    }
}
