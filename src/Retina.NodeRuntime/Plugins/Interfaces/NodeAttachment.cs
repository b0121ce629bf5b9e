using Retina.Api.Common;
using Retina.Native.Libbpf;

namespace Retina.NodeRuntime.Plugins.Interfaces;

/// <summary>
/// Start-up shared by the TC plugins that watch the whole node (packetforward, dns): attach to the
/// selected interfaces now, follow them every <c>rescanInterval</c> (default 1s), and turn the
/// outcome into the plugin's state.
/// </summary>
public static class NodeAttachment
{
    public static readonly TimeSpan DefaultRescanInterval = TimeSpan.FromSeconds(1);

    /// <summary>Attaches and starts following; the state says why it failed or degraded.</summary>
    public static async Task<(InterfaceTracker? Tracker, PluginState State)> StartAsync(
        PluginContext context, string plugin, BpfProgram ingress, BpfProgram egress, InterfaceSelection selection, IReadOnlyDictionary<string, string> settings)
    {
        var interval = DefaultRescanInterval;
        if (settings.TryGetValue("rescanInterval", out var r) && (!GoDuration.TryParse(r, out interval) || interval <= TimeSpan.Zero))
        {
            return (null, PluginState.Failed(plugin, $"settings: rescanInterval: '{r}' is not a positive duration such as 1s"));
        }

        var tracker = new InterfaceTracker(context, ingress, egress, selection);
        await tracker.RescanAsync();
        if (tracker.Attached.Count == 0 && (tracker.LastFailure is not null || selection.Names.Count > 0))
        {
            var why = tracker.LastFailure ?? "interfaces not found: " + string.Join(",", tracker.Missing);
            await tracker.DisposeAsync();
            return (null, PluginState.Failed(plugin, why));
        }

        tracker.Start(interval, plugin);
        var reasons = new List<string>();
        if (tracker.Problem is { } p)
        {
            reasons.Add(p);
        }

        if (tracker.Missing.Count > 0)
        {
            reasons.Add("interfaces not found: " + string.Join(",", tracker.Missing));
        }

        var hook = tracker.ExpectedHook;
        return (tracker, reasons.Count == 0 ? PluginState.Running(plugin, hook) : PluginState.Degraded(plugin, hook, string.Join("; ", reasons)));
    }
}
