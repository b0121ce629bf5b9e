using System.Runtime.InteropServices;
using Retina.Native.Libbpf;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins.Interfaces;

namespace Retina.NodeRuntime.Plugins.PacketForward;

/// <summary>
/// Packets, bytes and TCP flags through the node's interfaces (bpf/packetforward): every
/// interface of the host namespace, pod interfaces and interfaces created later included
/// (<see cref="InterfaceClassifier"/> says which are left out so that each packet counts once).
/// A packet counts as ingress where it enters the host namespace and as egress where it leaves it:
/// pod to pod on one node is one of each, pod to remote is one of each, a host process sending is
/// one egress. Overlay devices are left out: forwarded overlay traffic counts as its encapsulated
/// packet on the underlay, as on Retina's eth0.
/// </summary>
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
    private InterfaceTracker? attachments;

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

        obj = context.LoadObject(Name);
        obj.CheckStruct<PfCounters>("retina_forward");
        counters = obj.Map("retina_forward");
        var selection = InterfaceSelection.FromSettings(settings, context.Options, InterfaceRole.Host, InterfaceRole.Pod);
        var (tracker, state) = await NodeAttachment.StartAsync(context, Name, obj.Program("retina_pf_ing"), obj.Program("retina_pf_egr"), selection, settings);
        attachments = tracker;
        StartAtZero(context.Metrics);
        return state;
    }

    /// <summary>Every series whose labels are known before traffic (directions, flags) exists from the start at 0.</summary>
    private static void StartAtZero(NodeMetrics m)
    {
        foreach (var d in Directions)
        {
            m.ForwardCount.WithLabels(d);
            m.ForwardBytes.WithLabels(d);
            foreach (var f in Flags)
            {
                m.TcpFlagCounters.WithLabels(f, d);
            }
        }
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
                    deltas.Set(m.TcpFlagCounters, flags[f], Flags[f], d);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (attachments is not null)
        {
            await attachments.DisposeAsync();
            attachments = null;
        }

        Collect();
        lock (gate)
        {
            counters = null;
            obj?.Dispose();
            obj = null;
        }
    }
}
