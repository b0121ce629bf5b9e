using Microsoft.Extensions.Logging;
using Retina.Native.Libbpf;
using Retina.Native.Libc;
using Retina.NodeRuntime.Metrics;

namespace Retina.NodeRuntime.Plugins;

/// <summary>What the host gives every plugin.</summary>
public sealed class PluginContext
{
    internal PluginContext(PluginHostOptions options, NodeMetrics metrics, KernelProbes probes, NetnsThread netns, ClsactLedger ledger, ILoggerFactory loggers)
    {
        Options = options;
        Metrics = metrics;
        Probes = probes;
        Netns = netns;
        Ledger = ledger;
        Loggers = loggers;
    }

    public PluginHostOptions Options { get; }

    public NodeMetrics Metrics { get; }

    public KernelProbes Probes { get; }

    /// <summary>The thread inside the node's network namespace.</summary>
    public NetnsThread Netns { get; }

    /// <summary>Records clsact filters so a later start can remove them after a crash.</summary>
    public ClsactLedger Ledger { get; }

    public ILoggerFactory Loggers { get; }

    /// <summary>The namespace filter for kernel-wide hooks: 0 counts every namespace (host mode).</summary>
    public uint NetnsFilter => Options.NetworkNamespace is null ? 0 : Netns.Inode;

    private readonly List<BpfObject> objects = [];

    /// <summary>Loads bpf/&lt;plugin&gt;.bpf.o and tracks it so the host can tell which kernel programs are its own.</summary>
    /// <param name="configure">Runs before the object is loaded into the kernel (map sizes).</param>
    public BpfObject LoadObject(string plugin, Action<BpfObject>? configure = null)
    {
        var obj = configure is null ? BpfObject.Load(ObjectPath(plugin)) : BpfObject.Load(ObjectPath(plugin), configure);
        lock (objects)
        {
            objects.RemoveAll(o => o.IsClosed);
            objects.Add(obj);
        }

        return obj;
    }

    /// <summary>Kernel ids of the programs currently loaded by this host's plugins.</summary>
    public IReadOnlyList<uint> ProgramIds()
    {
        lock (objects)
        {
            return objects.Where(o => !o.IsClosed).SelectMany(o => o.ProgramIds()).ToList();
        }
    }

    /// <summary>Full path of a compiled object, e.g. bpf/dropreason.bpf.o.</summary>
    public string ObjectPath(string plugin) => Path.Combine(Options.BpfObjectDirectory, plugin + ".bpf.o");
}
