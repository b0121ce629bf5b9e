using Retina.Native.Libbpf;
using Retina.Native.Libc;

namespace Retina.NodeRuntime.Plugins.PacketParser;

/// <summary>
/// Follows the node's interfaces: attaches the programs to every pod veth (by name prefix) and
/// to the requested host interfaces as they appear, and detaches from those that went away.
/// </summary>
internal sealed class InterfaceTracker(PluginContext context, BpfProgram ingress, BpfProgram egress, IReadOnlyList<string> podPrefixes, IReadOnlyList<string> hostInterfaces) : IDisposable
{
    private readonly Dictionary<uint, (string Name, TcAttachments Attachments)> attached = [];

    /// <summary>Hook of the latest attachment ("tcx" or "clsact"); null before the first.</summary>
    public string? Hook { get; private set; }

    /// <summary>Why the preferred hook was not used, or the latest attach failure; null when none.</summary>
    public string? Problem { get; private set; }

    /// <summary>Interfaces with programs attached, by name.</summary>
    public IReadOnlyList<string> Attached
    {
        get
        {
            lock (attached)
            {
                return attached.Values.Select(a => a.Name).Order(StringComparer.Ordinal).ToList();
            }
        }
    }

    public bool Wants(string name) =>
        hostInterfaces.Contains(name) || podPrefixes.Any(p => p.Length > 0 && name.StartsWith(p, StringComparison.Ordinal));

    /// <summary>Lists the interfaces and converges; returns how many were attached and detached.</summary>
    public async Task<(int Added, int Removed)> RescanAsync()
    {
        var now = await context.Netns.RunAsync(LibC.Interfaces);
        var wanted = now.Where(i => Wants(i.Name)).ToDictionary(i => i.Index, i => i.Name);
        var added = 0;
        var removed = 0;

        List<(uint Index, string Name, TcAttachments A)> gone;
        lock (attached)
        {
            gone = attached.Where(kv => !wanted.TryGetValue(kv.Key, out var n) || n != kv.Value.Name)
                .Select(kv => (kv.Key, kv.Value.Name, kv.Value.Attachments)).ToList();
            foreach (var g in gone)
            {
                attached.Remove(g.Index);
            }
        }

        foreach (var g in gone)
        {
            Detach(g.A);
            removed++;
        }

        foreach (var (index, name) in wanted)
        {
            bool known;
            lock (attached)
            {
                known = attached.ContainsKey(index);
            }

            if (known)
            {
                continue;
            }

            var (a, failure) = await TcAttachments.AttachAsync(context, ingress, egress, [(index, name)]);
            if (a is null)
            {
                // The interface may have vanished between listing and attaching: retried next scan.
                Problem = $"{name}: {failure}";
                continue;
            }

            Hook = a.Hook;
            Problem = a.FallbackReason;
            lock (attached)
            {
                attached[index] = (name, a);
            }

            added++;
        }

        return (added, removed);
    }

    private static void Detach(TcAttachments a)
    {
        try
        {
            a.Dispose();
        }
        catch (BpfException)
        {
            // The interface (and with it the filter) is already gone.
        }
    }

    public void Dispose()
    {
        List<TcAttachments> all;
        lock (attached)
        {
            all = attached.Values.Select(v => v.Attachments).ToList();
            attached.Clear();
        }

        foreach (var a in all)
        {
            Detach(a);
        }
    }
}
