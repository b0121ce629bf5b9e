using Retina.Native.Libbpf;

namespace Retina.NodeRuntime.Plugins;

/// <summary>
/// The shared shape of the plugins that stream events from a BPF ring buffer (dns, tcpretrans,
/// packetparser): probe, load bpf/&lt;name&gt;.bpf.o, pump the ring buffer through a bounded channel
/// into <see cref="Handle"/>, report the kernel-side losses on every collect, and stop in the one
/// safe order: detach the hooks (no new events), drain the pump (every event already taken is
/// handled), report the last losses, close the object. A new event plugin is its start-up (what it
/// attaches), its parser (<see cref="Handle"/>) and its metrics.
/// </summary>
public abstract class RingBufferPlugin : INodePlugin
{
    private readonly object gate = new();
    private readonly List<IAsyncDisposable> hooks = [];
    private RingLossCounter? lost;
    private EventPump? pump;
    private BpfObject? obj;

    public abstract string Name { get; }

    /// <summary>Set once <see cref="StartAsync"/> ran.</summary>
    protected PluginContext Context { get; private set; } = null!;

    /// <summary>The plugin's object, once loaded.</summary>
    protected BpfObject Object => obj ?? throw new InvalidOperationException($"{Name}: the object is not loaded");

    /// <summary>Probes that must not be unsupported (the ring buffer's own is added).</summary>
    protected abstract IReadOnlyList<string> RequiredProbes { get; }

    public async Task<PluginState> StartAsync(PluginContext context, IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        Context = context;
        if (context.Probes.FirstUnsupported([ProbeNames.Bpf, ProbeNames.RingBuffer, .. RequiredProbes]) is { } why)
        {
            return PluginState.Failed(Name, why);
        }

        return await StartEventsAsync(settings, ct);
    }

    /// <summary>Parses settings, calls <see cref="Load"/> and <see cref="Stream"/>, attaches (see <see cref="OnStop"/>).</summary>
    protected abstract Task<PluginState> StartEventsAsync(IReadOnlyDictionary<string, string> settings, CancellationToken ct);

    /// <summary>Loads the object, optionally through <paramref name="configure"/> (map sizes) before it is loaded into the kernel.</summary>
    protected BpfObject Load(Action<BpfObject>? configure = null)
    {
        obj = Context.LoadObject(Name, configure);
        return obj;
    }

    /// <summary>The message for a ring-buffer record struct whose size differs from the managed reader's, or null.</summary>
    protected string? CheckEventSize(string structName, int expected)
    {
        var size = Object.StructSize(structName);
        return size == expected ? null : $"struct {structName} is {size} bytes, expected {expected}";
    }

    /// <summary>Starts pumping <paramref name="ringMap"/> into <see cref="Handle"/>; <paramref name="lostMap"/> counts the kernel's failed reservations.</summary>
    protected void Stream(string ringMap, string lostMap)
    {
        lost = new RingLossCounter(Object.Map(lostMap), Name);
        pump = new EventPump(Object.Map(ringMap), Name, Context.Metrics, Context.Options.EventChannelCapacity, Handle);
    }

    /// <summary>Something to undo first when stopping (a link, an interface tracker, a loop), before the pump drains.</summary>
    protected T OnStop<T>(T hook)
        where T : class
    {
        hooks.Add(hook switch
        {
            IAsyncDisposable a => a,
            IDisposable d => new SyncHook(d),
            _ => throw new ArgumentException($"{typeof(T).Name} is not disposable", nameof(hook)),
        });
        return hook;
    }

    /// <summary>One ring-buffer record, on the pump's consumer task; a malformed one is counted, never thrown.</summary>
    protected abstract void Handle(ReadOnlyMemory<byte> record);

    public void Collect()
    {
        lock (gate)
        {
            if (lost is null)
            {
                return;
            }

            lost.Report(Context.Metrics);
            CollectKernelCounters();
        }
    }

    /// <summary>More kernel counters to move into metrics on each collect (under the plugin's collect lock).</summary>
    protected virtual void CollectKernelCounters()
    {
    }

    /// <summary>After the pump drained, before the last collect: read what the kernel still holds (tables of idle entries).</summary>
    protected virtual void OnDrained()
    {
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = hooks.Count - 1; i >= 0; i--)
        {
            await hooks[i].DisposeAsync();
        }

        hooks.Clear();
        if (pump is not null)
        {
            await pump.DisposeAsync();
            pump = null;
        }

        if (obj is not null && !obj.IsClosed)
        {
            OnDrained();
        }

        Collect();
        lock (gate)
        {
            lost = null;
        }

        obj?.Dispose();
        obj = null;
        GC.SuppressFinalize(this);
    }

    private sealed class SyncHook(IDisposable d) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            d.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
