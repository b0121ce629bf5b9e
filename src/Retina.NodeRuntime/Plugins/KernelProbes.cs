using System.Collections.Concurrent;
using Retina.Native.Libbpf;
using Retina.Native.Libc;

namespace Retina.NodeRuntime.Plugins;

/// <summary>
/// Answers "can this kernel do X?" once per probe (supported, unsupported with a reason, or
/// inconclusive). Tests force answers through <see cref="PluginHostOptions.ProbeOverrides"/>.
/// </summary>
public sealed class KernelProbes(PluginHostOptions options)
{
    private readonly ConcurrentDictionary<string, ProbeResult> cache = new();

    public ProbeResult Probe(string name) =>
        options.ProbeOverrides.TryGetValue(name, out var forced) ? forced : cache.GetOrAdd(name, Run);

    /// <summary>The first unsupported answer among the probes, or null when none is unsupported.</summary>
    public string? FirstUnsupported(params string[] names)
    {
        foreach (var n in names)
        {
            var r = Probe(n);
            if (r.IsUnsupported)
            {
                return $"{n} unsupported ({r.Reason})";
            }
        }

        return null;
    }

    private static ProbeResult Run(string name) => name switch
    {
        ProbeNames.Bpf => ProbeBpf(),
        ProbeNames.Tcx => BtfMember("bpf_attach_type", "BPF_TCX_INGRESS", "kernel has no tcx links (needs Linux 6.6)"),
        ProbeNames.Clsact => BtfMember("bpf_prog_type", "BPF_PROG_TYPE_SCHED_CLS", "kernel has no TC BPF programs"),
        ProbeNames.RingBuffer => BtfMember("bpf_map_type", "BPF_MAP_TYPE_RINGBUF", "kernel has no BPF ring buffer (needs Linux 5.8)"),
        ProbeNames.Tracefs => KernelFilesystems.IsMounted(KernelFilesystems.TracefsPath, "tracefs")
            ? ProbeResult.Supported
            : ProbeResult.Unsupported($"tracefs not mounted on {KernelFilesystems.TracefsPath}"),
        ProbeNames.KfreeSkb => Tracepoint("skb", "kfree_skb"),
        ProbeNames.TcpRetransmitSkb => Tracepoint("tcp", "tcp_retransmit_skb"),
        ProbeNames.DropReasonBtf => Btf.ReadEnum("skb_drop_reason") is { Count: > 0 }
            ? ProbeResult.Supported
            : File.Exists(Btf.VmlinuxPath)
                ? ProbeResult.Unsupported("kernel BTF has no enum skb_drop_reason (needs Linux 5.17)")
                : ProbeResult.Inconclusive("no kernel BTF at " + Btf.VmlinuxPath),
        ProbeNames.Procfs => File.Exists("/proc/net/snmp") ? ProbeResult.Supported : ProbeResult.Unsupported("/proc/net/snmp missing"),
        _ => ProbeResult.Inconclusive("unknown probe " + name),
    };

    private static ProbeResult ProbeBpf()
    {
        if (!Btf.LibbpfAvailable(out var why))
        {
            return ProbeResult.Unsupported(why);
        }

        return Environment.IsPrivilegedProcess
            ? ProbeResult.Supported
            : ProbeResult.Inconclusive("not root: trying with this process's capabilities");
    }

    private static ProbeResult BtfMember(string enumName, string member, string whyNot) =>
        Btf.HasEnumMember(enumName, member) switch
        {
            true => ProbeResult.Supported,
            false => ProbeResult.Unsupported(whyNot),
            null => ProbeResult.Inconclusive("no kernel BTF to tell; trying"),
        };

    private static ProbeResult Tracepoint(string category, string name)
    {
        if (!KernelFilesystems.IsMounted(KernelFilesystems.TracefsPath, "tracefs"))
        {
            return ProbeResult.Unsupported("tracefs not mounted");
        }

        return Directory.Exists(Path.Combine(KernelFilesystems.TracefsPath, "events", category, name))
            ? ProbeResult.Supported
            : ProbeResult.Unsupported($"kernel has no tracepoint {category}:{name}");
    }
}
