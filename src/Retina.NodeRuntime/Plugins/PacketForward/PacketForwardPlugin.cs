using System.Runtime.InteropServices;
using Retina.Native.Libbpf;

namespace Retina.NodeRuntime.Plugins.PacketForward;

/// <summary>Packets, bytes and TCP flags through the node's interfaces (bpf/packetforward).</summary>
public sealed class PacketForwardPlugin : INodePlugin
{
    public const string PluginName = "packetforward";

    private static readonly string[] Directions = ["ingress", "egress"];
    private static readonly string[] Flags = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "SYNACK"];

    private readonly object gate = new();
    private readonly CounterDelta deltas = new();
    private PluginContext? context;
    private BpfObject? obj;
    private BpfMap? counters;
    private TcAttachments? attachments;

    public string Name => PluginName;

    [StructLayout(LayoutKind.Sequential)]
    internal struct PfCounters
    {
        public ulong Packets;
        public ulong Bytes;
        public FlagCounts Flags;
    }

    [System.Runtime.CompilerServices.InlineArray(9)]
    internal struct FlagCounts
    {
        private ulong element;
    }

    public async Task<PluginState> StartAsync(PluginContext context, IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        this.context = context;
        if (context.Probes.FirstUnsupported(ProbeNames.Bpf) is { } why)
        {
            return PluginState.Failed(Name, why);
        }

        var (interfaces, missing) = await context.ResolveInterfacesAsync(settings);
        if (interfaces.Count == 0)
        {
            return PluginState.Failed(Name, missing.Count > 0 ? "interfaces not found: " + string.Join(",", missing) : "no interface to attach to");
        }

        obj = context.LoadObject(Name);
        obj.CheckStruct<PfCounters>("pf_counters");
        counters = obj.Map("pf_counters");
        var (a, failure) = await TcAttachments.AttachAsync(context, obj.Program("retina_pf_ing"), obj.Program("retina_pf_egr"), interfaces);
        if (a is null)
        {
            return PluginState.Failed(Name, failure!);
        }

        attachments = a;
        var reasons = new List<string>();
        if (a.FallbackReason is not null)
        {
            reasons.Add(a.FallbackReason);
        }

        if (missing.Count > 0)
        {
            reasons.Add("interfaces not found: " + string.Join(",", missing));
        }

        return reasons.Count == 0 ? PluginState.Running(Name, a.Hook) : PluginState.Degraded(Name, a.Hook, string.Join("; ", reasons));
    }

    public void Collect()
    {
        lock (gate)
        {
            if (counters is null || context is null)
            {
                return;
            }

            var m = context.Metrics;
            Span<PfCounters> perCpu = new PfCounters[BpfMap.PossibleCpus];
            Span<ulong> flags = stackalloc ulong[9];
            for (var dir = 0u; dir < 2; dir++)
            {
                if (!counters.TryLookupPerCpu(dir, perCpu))
                {
                    continue;
                }

                ulong packets = 0, bytes = 0;
                flags.Clear();
                foreach (ref var c in perCpu)
                {
                    packets += c.Packets;
                    bytes += c.Bytes;
                    for (var f = 0; f < 9; f++)
                    {
                        flags[f] += c.Flags[f];
                    }
                }

                var d = Directions[dir];
                deltas.Set(m.ForwardCount, packets, d);
                deltas.Set(m.ForwardBytes, bytes, d);
                for (var f = 0; f < 9; f++)
                {
                    if (flags[f] > 0)
                    {
                        deltas.Set(m.TcpFlagCounters, flags[f], Flags[f], d);
                    }
                }
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Collect();
        lock (gate)
        {
            attachments?.Dispose();
            attachments = null;
            counters = null;
            obj?.Dispose();
            obj = null;
        }

        return ValueTask.CompletedTask;
    }
}
