namespace Retina.NodeRuntime.Plugins;

/// <summary>The state of one plugin, as written to NodeRuntime.status.</summary>
/// <param name="Name">Plugin name.</param>
/// <param name="State">Running, Degraded, Failed or Disabled.</param>
/// <param name="Hook">Hook in use, e.g. "tcx", "clsact", "tracepoint skb:kfree_skb", "procfs"; null when none.</param>
/// <param name="Reason">Why it is degraded or failed, e.g. "tcx unsupported (…), using clsact"; null when running.</param>
public sealed record PluginState(string Name, PluginPhase State, string? Hook, string? Reason)
{
    public static PluginState Running(string name, string hook) => new(name, PluginPhase.Running, hook, null);

    public static PluginState Degraded(string name, string hook, string reason) => new(name, PluginPhase.Degraded, hook, reason);

    public static PluginState Failed(string name, string reason) => new(name, PluginPhase.Failed, null, reason);
}
