namespace Retina.NodeRuntime.Plugins;

/// <summary>
/// The plugin contract: start (probe the kernel, attach, begin streaming), collect (kernel
/// counters into metrics, before every scrape), and dispose (detach everything it attached).
/// </summary>
public interface INodePlugin : IAsyncDisposable
{
    /// <summary>Same name as bpf/&lt;name&gt; and Plugins/&lt;Name&gt;.</summary>
    string Name { get; }

    /// <summary>
    /// Probes and attaches. Expected failures (hook missing, attach refused) come back as a
    /// Failed or Degraded state with the reason, never as an exception.
    /// </summary>
    Task<PluginState> StartAsync(PluginContext context, IReadOnlyDictionary<string, string> settings, CancellationToken ct);

    /// <summary>Moves kernel-side counters into the metrics; cheap, called before each scrape.</summary>
    void Collect();
}
