using Retina.Native.Libbpf;
using Retina.Native.Netlink;

namespace Retina.NodeRuntime.Plugins.Interfaces;

/// <summary>
/// Follows the node's interfaces: attaches an ingress and an egress TC program to every interface
/// the selection wants as it appears, and detaches from those that went away. Either the owner
/// calls <see cref="RescanAsync"/> or <see cref="Start"/> runs a rescan loop.
/// </summary>
public sealed class InterfaceTracker(PluginContext context, BpfProgram ingress, BpfProgram egress, InterfaceSelection selection, TcxMode tcxMode = TcxMode.Auto) : IAsyncDisposable
{
    private readonly Dictionary<uint, (string Name, TcAttachments Attachments)> attached = [];
    private readonly SemaphoreSlim scanning = new(1, 1);
    private CancellationTokenSource? stop;
    private Task? loop;

    public InterfaceSelection Selection => selection;

    /// <summary>Hook of the latest attachment ("tcx" or "clsact"); null before the first.</summary>
    public string? Hook { get; private set; }

    /// <summary>Why the preferred hook was not used, or the latest attach failure; null when none.</summary>
    public string? Problem { get; private set; }

    /// <summary>The latest attach failure as TcAttachments said it (no interface name); null when none.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>Named interfaces that do not exist (yet).</summary>
    public IReadOnlyList<string> Missing { get; private set; } = [];

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

    /// <summary>The hook interfaces are (or would be) attached with: the latest one, else what the probes promise.</summary>
    public string ExpectedHook => Hook ?? (tcxMode == TcxMode.Off || context.Probes.Probe(ProbeNames.Tcx).IsUnsupported ? "clsact" : "tcx");

    /// <summary>Rescans every <paramref name="interval"/> until disposed; a failed pass counts in plugin failures.</summary>
    public void Start(TimeSpan interval, string plugin)
    {
        stop = new CancellationTokenSource();
        var ct = stop.Token;
        loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            while (await WaitAsync(timer, ct))
            {
                try
                {
                    await RescanAsync();
                }
                catch (Exception ex) when (ex is BpfException or IOException or InvalidOperationException)
                {
                    context.Metrics.PluginFailures.WithLabels(plugin, "interface_scan").Inc();
                }
            }
        });
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Lists the interfaces and converges; returns how many were attached and detached.</summary>
    public async Task<(int Added, int Removed)> RescanAsync()
    {
        await scanning.WaitAsync();
        try
        {
            return await ConvergeAsync();
        }
        finally
        {
            scanning.Release();
        }
    }

    private async Task<(int Added, int Removed)> ConvergeAsync()
    {
        var (now, uplinks) = await context.Netns.RunAsync(() => (Links.List(), DefaultRoutes.Interfaces()));
        var wanted = now.Where(l => selection.Wants(l, uplinks)).ToDictionary(i => i.Index, i => i.Name);
        Missing = selection.Names.Where(n => now.All(l => l.Name != n)).ToList();
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

            var (a, failure) = await TcAttachments.AttachAsync(context, ingress, egress, [(index, name)], tcxMode);
            if (a is null)
            {
                // The interface may have vanished between listing and attaching: retried next scan.
                Problem = $"{name}: {failure}";
                LastFailure = failure;
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

    public async ValueTask DisposeAsync()
    {
        if (stop is not null)
        {
            await stop.CancelAsync();
            await loop!;
            stop.Dispose();
        }

        await scanning.WaitAsync();
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

        scanning.Release();
    }
}
