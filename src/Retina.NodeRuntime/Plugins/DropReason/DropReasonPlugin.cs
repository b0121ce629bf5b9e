using System.Runtime.InteropServices;
using Retina.Native.Libbpf;

namespace Retina.NodeRuntime.Plugins.DropReason;

/// <summary>Drops by kernel reason and direction, from tracepoint skb:kfree_skb (bpf/dropreason).</summary>
public sealed class DropReasonPlugin : INodePlugin
{
    public const string PluginName = "dropreason";
    public const string Hook = "tracepoint skb:kfree_skb";

    private static readonly string[] Directions = ["ingress", "egress", "unknown"];

    private readonly object gate = new();
    private readonly CounterDelta deltas = new();
    private PluginContext? context;
    private BpfObject? obj;
    private BpfMap? counters;
    private BpfMap? lost;
    private BpfLink? link;
    private DropReasonNames? names;
    private bool retinaNames;
    private ulong lostSeen;

    public string Name => PluginName;

    [StructLayout(LayoutKind.Sequential)]
    internal struct DropKey
    {
        public uint Reason;
        public uint Direction;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct DropValue
    {
        public ulong Packets;
        public ulong Bytes;
    }

    public Task<PluginState> StartAsync(PluginContext context, IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        this.context = context;
        if (context.Probes.FirstUnsupported(ProbeNames.Bpf, ProbeNames.Tracefs, ProbeNames.KfreeSkb) is { } why)
        {
            return Task.FromResult(PluginState.Failed(Name, why));
        }

        retinaNames = settings.TryGetValue("reasonNames", out var rn) && rn.Equals("retina", StringComparison.OrdinalIgnoreCase);
        string? degraded = null;
        var btf = context.Probes.Probe(ProbeNames.DropReasonBtf);
        names = btf.IsUnsupported ? null : DropReasonNames.FromKernel();
        if (names is null)
        {
            degraded = $"drop reason names unavailable ({(btf.IsUnsupported ? btf.Reason : "enum skb_drop_reason not in kernel BTF")}), reporting reason numbers";
            names = new DropReasonNames([]);
        }

        obj = context.LoadObject(Name);
        obj.CheckStruct<DropKey>("drop_key");
        obj.CheckStruct<DropValue>("drop_value");
        counters = obj.Map("retina_drops");
        lost = obj.Map("retina_droplost");
        obj.Map("retina_config").Update(0u, new RetinaConfig { NetnsInode = context.NetnsFilter });
        try
        {
            link = obj.Program("retina_drop").AttachTracepoint("skb", "kfree_skb");
        }
        catch (BpfException ex)
        {
            return Task.FromResult(PluginState.Failed(Name, ex.Message));
        }

        return Task.FromResult(degraded is null ? PluginState.Running(Name, Hook) : PluginState.Degraded(Name, Hook, degraded));
    }

    public void Collect()
    {
        lock (gate)
        {
            if (counters is null || context is null || names is null)
            {
                return;
            }

            var m = context.Metrics;
            var perCpu = new DropValue[BpfMap.PossibleCpus];
            var totals = new Dictionary<(string, string), (ulong Packets, ulong Bytes)>();
            foreach (var key in counters.Keys<DropKey>())
            {
                if (!counters.TryLookupPerCpu(key, perCpu.AsSpan()))
                {
                    continue;
                }

                ulong p = 0, b = 0;
                foreach (var v in perCpu)
                {
                    p += v.Packets;
                    b += v.Bytes;
                }

                var name = names.Name(key.Reason);
                var label = (retinaNames ? DropReasonNames.RetinaAlias(name) : name, Directions[Math.Min(key.Direction, 2u)]);
                totals.TryGetValue(label, out var t);
                totals[label] = (t.Packets + p, t.Bytes + b);
            }

            foreach (var ((reason, dir), (p, b)) in totals)
            {
                deltas.Set(m.DropCount, p, reason, dir);
                deltas.Set(m.DropBytes, b, reason, dir);
            }

            var l = lost!.SumPerCpuU64(0);
            m.Lost(Name, "map_full", l - lostSeen);
            lostSeen = l;
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (gate)
        {
            link?.Dispose();
            link = null;
        }

        Collect();
        lock (gate)
        {
            counters = null;
            obj?.Dispose();
            obj = null;
        }

        return ValueTask.CompletedTask;
    }
}
