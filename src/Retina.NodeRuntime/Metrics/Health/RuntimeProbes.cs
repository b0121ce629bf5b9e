using Retina.NodeRuntime.Plugins;

namespace Retina.NodeRuntime.Metrics.Health;

/// <summary>
/// /healthz and /readyz of the node runtime. Liveness: the agent loop turned within <c>3 × HeartbeatInterval</c> (or is
/// waiting for its first sync; before its first pass completes, within <see cref="FirstPassAllowance"/>). Readiness: the last pass converged every requested plugin, i.e. each is Running, or
/// Degraded/Failed with a reason (a kernel that cannot run it is an answer, not a pending state). Pure over the pulse.
/// </summary>
public sealed class RuntimeProbes(AgentPulse pulse, TimeSpan heartbeatInterval, TimeProvider time)
{
    public const int WedgedAfterHeartbeats = 3;

    /// <summary>
    /// Until the first pass completes, a turn may take this long: the first plugin load parses BTF and loads programs
    /// (the DaemonSet's startup probe allows the same two minutes), and restarting would only start that over.
    /// </summary>
    public static readonly TimeSpan FirstPassAllowance = TimeSpan.FromMinutes(2);

    public ProbeAnswer Liveness()
    {
        if (pulse.Syncing)
        {
            return ProbeAnswer.Ok("ok: waiting for the NodeRuntime cache to sync\n");
        }

        if (pulse.LastTurn is not { } turn)
        {
            return ProbeAnswer.Failing("the agent loop has not started\n");
        }

        var age = time.GetUtcNow() - turn;
        var limit = heartbeatInterval * WedgedAfterHeartbeats;
        if (pulse.Pass is null && limit < FirstPassAllowance)
        {
            limit = FirstPassAllowance;
        }

        return age <= limit
            ? ProbeAnswer.Ok("ok\n")
            : ProbeAnswer.Failing($"the agent loop is wedged: its last pass started {age.TotalSeconds:0.#}s ago, more than {(pulse.Pass is null ? "the first pass's allowance" : $"{WedgedAfterHeartbeats} heartbeat intervals")} ({limit.TotalSeconds:0.#}s)\n");
    }

    public ProbeAnswer Readiness()
    {
        if (pulse.Pass is not { } pass)
        {
            return ProbeAnswer.Failing("not converged: no pass has completed yet (the cache is syncing or this node has no NodeRuntime)\n");
        }

        var pending = new List<string>();
        if (pass.Failure is { } failure)
        {
            pending.Add($"the last pass failed: {failure}");
        }

        if (!pass.PluginsLoaded && pass.Requested.Count > 0)
        {
            pending.Add($"plugins {string.Join(", ", pass.Requested)} are requested but this runtime loads no eBPF plugins (not root)");
        }
        else
        {
            foreach (var name in pass.Requested)
            {
                var state = pass.Plugins.FirstOrDefault(p => p.Name == name);
                if (state is null || state.State == PluginPhase.Disabled)
                {
                    pending.Add($"{name}: not started yet");
                }
                else if (state.State != PluginPhase.Running && string.IsNullOrWhiteSpace(state.Reason))
                {
                    pending.Add($"{name}: {state.State} without a reason");
                }
            }
        }

        return pending.Count == 0
            ? ProbeAnswer.Ok($"ready: spec generation {pass.Generation}, {pass.Requested.Count} plugin(s) converged\n")
            : ProbeAnswer.Failing("not converged:\n" + string.Concat(pending.Select(p => $"  {p}\n")));
    }
}
