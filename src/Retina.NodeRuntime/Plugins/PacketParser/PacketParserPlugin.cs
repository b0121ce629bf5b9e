using System.Runtime.InteropServices;
using Prometheus;
using Retina.Native.Libbpf;
using Retina.NodeRuntime.AdvancedMetrics;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins.Dns;
using Retina.NodeRuntime.Plugins.DropReason;
using Retina.NodeRuntime.Plugins.Interfaces;

namespace Retina.NodeRuntime.Plugins.PacketParser;

/// <summary>
/// Pod-level traffic (bpf/packetparser): TC/tcx programs on every pod's host-side interface (a veth
/// or netkit whose peer is in another network namespace, whatever the CNI named it), followed
/// as pods come and go, an in-kernel connection table so only reportable packets reach user
/// space, kernel drops and TCP retransmits of the pods of interest; all of it recorded into the
/// runtime's <see cref="PodLevelMetrics"/>. Never changes a verdict.
/// </summary>
public sealed class PacketParserPlugin : RingBufferPlugin
{
    public const string PluginName = "packetparser";

    private static readonly int EventSize = Marshal.SizeOf<PpEvent>();

    private readonly CancellationTokenSource stop = new();
    // At most one pending wake-up: a burst of pod changes costs one pass, not one per change.
    private readonly SemaphoreSlim wake = new(0, 1);
    private readonly HashSet<IpKey> ipsInKernel = [];
    private PodLevelMetrics? pod;
    private PacketParserSettings? settings;
    private KernelTableReader? tables;
    private ConntrackMetrics? conntrackMetrics;
    private BpfMap? ips;
    private BpfMap? stats;
    private InterfaceTracker? tracker;
    private ConnectionLedger? ledger;
    private Task? loop;
    private Counter? kernelCounter;
    private Counter.Child? parsedEvents;
    private volatile bool ipsDirty = true;
    private ulong packetsSeen;
    private ulong eventsSeen;

    public override string Name => PluginName;

    /// <summary>Interfaces the programs are attached to now (for status and tests).</summary>
    public IReadOnlyList<string> AttachedInterfaces => tracker?.Attached ?? [];

    protected override IReadOnlyList<string> RequiredProbes => [];

    protected override async Task<PluginState> StartEventsAsync(IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        var context = Context;
        var (parsed, error) = PacketParserSettings.Parse(settings);
        if (parsed is null)
        {
            return PluginState.Failed(Name, "settings: " + error);
        }

        this.settings = parsed;
        pod = PodLevelMetrics.For(context.Metrics);
        if (pod is null)
        {
            return PluginState.Failed(Name, "pod-level metrics are not set up in this runtime (no enrichment cache)");
        }

        // The connection table is sized before the object is loaded into the kernel.
        var obj = Load(o =>
        {
            if (parsed.ConnectionTableSize != 65536)
            {
                o.Map("retina_pp_ct").SetMaxEntries(parsed.ConnectionTableSize);
            }

            if (parsed.AddressTableSize != 0)
            {
                o.Map("retina_pp_ips").SetMaxEntries(parsed.AddressTableSize);
            }

            if (parsed.RingBufferSize != 0)
            {
                o.Map("retina_pp_evts").SetMaxEntries(parsed.RingBufferSize);
            }
        });
        obj.CheckStruct<PpEvent>("pp_event");
        obj.CheckStruct<PpCtKey>("pp_ct_key");
        obj.CheckStruct<PpCtValue>("pp_ct_value");
        obj.CheckStruct<PpDropKey>("pp_drop_key");
        obj.CheckStruct<PpConfig>("retina_pp_conf");
        ips = obj.Map("retina_pp_ips");
        stats = obj.Map("retina_pp_stats");
        obj.Map("retina_pp_conf").Update(0u, new PpConfig
        {
            Conntrack = parsed.Conntrack ? 1u : 0u,
            Sampling = parsed.Sampling,
            ReportIntervalNs = (ulong)(parsed.ReportInterval.Ticks * 100),
            FilterIps = parsed.FilterIps ? 1u : 0u,
        });

        kernelCounter = Prometheus.Metrics.WithCustomRegistry(context.Metrics.Registry).CreateCounter(
            NodeMetrics.HealthPrefix + "packetparser_kernel_total",
            "packetparser: packets its programs saw and events they sent to user space.", "stage");
        parsedEvents = context.Metrics.ParsedPackets.WithLabels(Name);
        ledger = new ConnectionLedger(pod);
        if (parsed.ConntrackMetrics)
        {
            conntrackMetrics ??= new ConntrackMetrics(context.Metrics);
        }

        tables = new KernelTableReader(obj.Map("retina_pp_ct"), obj.Map("retina_pp_drops"), ledger, pod, DropReasonNames.FromKernel(),
            parsed.ConntrackMetrics ? conntrackMetrics : null);
        UpdateAddresses();
        Stream("retina_pp_evts", "retina_pp_lost");

        var reasons = new List<string>();
        AttachTracepoint("retina_pp_drop", "skb", "kfree_skb", ProbeNames.KfreeSkb, "drops", reasons);
        AttachTracepoint("retina_pp_retrans", "tcp", "tcp_retransmit_skb", ProbeNames.TcpRetransmitSkb, "retransmits", reasons);

        tracker = OnStop(new InterfaceTracker(context, obj.Program("retina_pp_ing"), obj.Program("retina_pp_egr"), parsed.Selection(), parsed.Tcx));
        await tracker.RescanAsync();
        if (tracker.Problem is { } p)
        {
            reasons.Add(p);
        }

        pod.Cache.Changed += MarkAddresses;
        pod.SpecChanged += MarkAddresses;
        loop = Task.Run(() => RunAsync(stop.Token));
        OnStop(new Stopper(this));

        var hook = tracker.ExpectedHook;
        return reasons.Count == 0 ? PluginState.Running(Name, hook) : PluginState.Degraded(Name, hook, string.Join("; ", reasons));
    }

    // Undone first when stopping: no more address updates, interface scans or table reads.
    private sealed class Stopper(PacketParserPlugin plugin) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (plugin.pod is not null)
            {
                plugin.pod.Cache.Changed -= plugin.MarkAddresses;
                plugin.pod.SpecChanged -= plugin.MarkAddresses;
            }

            await plugin.stop.CancelAsync();
            if (plugin.loop is not null)
            {
                await plugin.loop;
            }

            plugin.conntrackMetrics?.Clear();
            plugin.stop.Dispose();
            plugin.wake.Dispose();
        }
    }

    private void AttachTracepoint(string program, string category, string tracepoint, string probe, string what, List<string> reasons)
    {
        var r = Context.Probes.Probe(probe);
        if (r.IsUnsupported)
        {
            reasons.Add($"{what} not reported: {r.Reason}");
            return;
        }

        try
        {
            OnStop(Object.Program(program).AttachTracepoint(category, tracepoint));
        }
        catch (BpfException ex)
        {
            reasons.Add($"{what} not reported: {ex.Message}");
        }
    }

    private void MarkAddresses()
    {
        ipsDirty = true;
        try
        {
            wake.Release();
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // already signalled, or stopping
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var s = settings!;
        var lastSweep = DateTime.UtcNow;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await wake.WaitAsync(s.RescanInterval, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await tracker!.RescanAsync();
                if (ipsDirty)
                {
                    UpdateAddresses();
                }

                if (DateTime.UtcNow - lastSweep >= s.ReportInterval)
                {
                    lastSweep = DateTime.UtcNow;
                    tables!.Read();
                }
            }
            catch (Exception ex) when (ex is BpfException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                Context.Metrics.PluginFailures.WithLabels(Name, "loop").Inc();
            }
        }
    }

    /// <summary>Writes the addresses of interest into the kernel's filter (0 marks a removed one: LRU ages it out).</summary>
    private void UpdateAddresses()
    {
        ipsDirty = false;
        var want = pod!.AddressesOfInterest().ToHashSet();
        lock (ipsInKernel)
        {
            Addr16 a = default;
            foreach (var ip in ipsInKernel.Where(i => !want.Contains(i)).ToList())
            {
                ip.WriteBytes(a);
                ips!.Update(a, (byte)0);
                ipsInKernel.Remove(ip);
            }

            foreach (var ip in want.Where(i => !ipsInKernel.Contains(i)))
            {
                ip.WriteBytes(a);
                ips!.Update(a, (byte)1);
                ipsInKernel.Add(ip);
            }
        }
    }

    protected override void Handle(ReadOnlyMemory<byte> memory)
    {
        var span = memory.Span;
        if (span.Length < EventSize)
        {
            Context.Metrics.Lost(Name, "malformed");
            return;
        }

        var ev = MemoryMarshal.Read<PpEvent>(span);
        parsedEvents!.Inc();
        ReadOnlySpan<ulong> flags = ev.Flags;
        switch (ev.Kind)
        {
            case PpEventKind.New or PpEventKind.Control or PpEventKind.Report:
                ledger!.Cumulative(ev.Key, ev.FirstNs, ev.IsReply != 0, ev.Packets, ev.Bytes, flags);
                break;
            case PpEventKind.Packet:
                ledger!.Increment(ev.Key, ev.IsReply != 0, ev.Packets, ev.Bytes, flags);
                break;
            case PpEventKind.Retransmit:
                pod!.RecordRetransmit(ConnectionLedger.Sample(ev.Key, false), ev.Packets);
                break;
            case PpEventKind.Dns:
                OnDns(ev.Key, span.Slice(EventSize, (int)Math.Min(ev.PayloadLen, (uint)(span.Length - EventSize))));
                break;
            default:
                Context.Metrics.Lost(Name, "unknown_event");
                break;
        }
    }

    /// <summary>One DNS payload: a UDP datagram's, or a TCP segment's (length-prefixed messages, see bpf/dns).</summary>
    private void OnDns(in PpCtKey key, ReadOnlySpan<byte> payload)
    {
        const byte tcp = 6;
        if (key.Proto == tcp)
        {
            var messages = new List<DnsMessage>(1);
            if (DnsParser.ParseTcpSegment(payload, messages) == 0)
            {
                // Mostly the later segments of a message already counted from its first (see bpf/dns).
                Context.Metrics.Lost(Name, "dns_tcp_not_message_start");
            }

            foreach (var m in messages)
            {
                pod!.RecordDns(ConnectionLedger.Sample(key, m.IsResponse), m);
            }

            return;
        }

        if (DnsParser.TryParse(payload, out var msg) && msg is not null)
        {
            pod!.RecordDns(ConnectionLedger.Sample(key, msg.IsResponse), msg);
        }
        else
        {
            Context.Metrics.Lost(Name, "malformed_dns");
        }
    }

    protected override void CollectKernelCounters()
    {
        if (stats is null)
        {
            return;
        }

        var packets = stats.SumPerCpuU64(0);
        var events = stats.SumPerCpuU64(1);
        kernelCounter!.WithLabels("packets").Inc(packets - Math.Min(packets, packetsSeen));
        kernelCounter.WithLabels("events").Inc(events - Math.Min(events, eventsSeen));
        packetsSeen = packets;
        eventsSeen = events;
    }

    protected override void OnDrained() => tables?.Read();
}
