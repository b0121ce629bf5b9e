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
    public BpfObject LoadObject(string plugin)
    {
        var obj = BpfObject.Load(ObjectPath(plugin));
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

    /// <summary>Interfaces with a default route in the calling thread's namespace (/proc/thread-self/net/route, ipv6_route).</summary>
    public static HashSet<string> DefaultRouteInterfaces()
    {
        var result = new HashSet<string>();
        try
        {
            foreach (var line in File.ReadLines("/proc/thread-self/net/route").Skip(1))
            {
                var f = line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (f.Length > 7 && f[1] == "00000000" && f[7] == "00000000")
                {
                    result.Add(f[0]);
                }
            }

            foreach (var line in File.ReadLines("/proc/thread-self/net/ipv6_route"))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length == 10 && f[0] == new string('0', 32) && f[1] == "00" && f[9] != "lo")
                {
                    result.Add(f[9]);
                }
            }
        }
        catch (IOException)
        {
        }

        return result;
    }

    /// <summary>Interfaces a plugin attaches to: its "interfaces" setting, the host default, or the default-route interfaces.</summary>
    public async Task<(List<(uint Index, string Name)> Found, List<string> Missing)> ResolveInterfacesAsync(IReadOnlyDictionary<string, string> settings)
    {
        var all = await Netns.RunAsync(LibC.Interfaces);
        IReadOnlyList<string>? wanted = settings.TryGetValue("interfaces", out var s) && !string.IsNullOrWhiteSpace(s)
            ? s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : Options.DefaultInterfaces;
        if (wanted is null)
        {
            // Like Retina: the interfaces that carry the default route (not every veth of every pod,
            // which would count pod traffic twice); all but lo when there is no default route.
            var defaults = await Netns.RunAsync(DefaultRouteInterfaces);
            var chosen = all.Where(i => defaults.Contains(i.Name)).ToList();
            return (chosen.Count > 0 ? chosen : all.Where(i => i.Name != "lo").ToList(), []);
        }

        var found = all.Where(i => wanted.Contains(i.Name)).ToList();
        return (found, wanted.Where(w => found.All(f => f.Name != w)).ToList());
    }
}
