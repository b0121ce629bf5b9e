using Retina.NodeRuntime.Plugins;

namespace Retina.NodeRuntime.Metrics.Health;

/// <summary>
/// The agent loop's liveness bookkeeping, written by the loop and read by the probes: when it last turned, whether it is
/// still waiting for its first cache sync, and what the last completed pass converged to.
/// </summary>
public sealed class AgentPulse
{
    private volatile LastPass? lastPass;
    private long lastTurnTicks = -1;

    /// <summary>The loop runs but waits for its NodeRuntime cache to sync (API unreachable is not a wedged loop).</summary>
    public bool Syncing { get; set; }

    /// <summary>When the loop last started a turn; null before it ran.</summary>
    public DateTimeOffset? LastTurn => Interlocked.Read(ref lastTurnTicks) is var t and >= 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    /// <summary>The last completed pass; null before the first (or while no NodeRuntime exists for this node).</summary>
    public LastPass? Pass => lastPass;

    public void Turned(DateTimeOffset now) => Interlocked.Exchange(ref lastTurnTicks, now.UtcTicks);

    public void Passed(LastPass pass) => lastPass = pass;

    /// <summary>What one pass converged to: the requested plugins, their states, and why converging failed (null: it did not).</summary>
    public sealed record LastPass(DateTimeOffset At, long? Generation, IReadOnlyList<string> Requested, IReadOnlyList<PluginState> Plugins, bool PluginsLoaded, string? Failure);
}
