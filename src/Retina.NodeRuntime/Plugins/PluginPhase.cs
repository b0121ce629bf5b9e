namespace Retina.NodeRuntime.Plugins;

/// <summary>What a plugin is doing; reported per plugin in NodeRuntime.status.</summary>
public enum PluginPhase
{
    /// <summary>Attached on its preferred hook.</summary>
    Running,

    /// <summary>Attached, but on a fallback hook or with part of its function missing (see the reason).</summary>
    Degraded,

    /// <summary>Not attached: the kernel lacks what it needs, or attaching failed (see the reason).</summary>
    Failed,

    /// <summary>Not requested (was running before and has been stopped).</summary>
    Disabled,
}
