using Retina.Api.Common;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.NodeRuntime;

/// <summary>
/// Whether an unfinished piece of work on a node is still alive, judged from the node runtime's heartbeat: a runtime
/// that reported since the assignment (or reported this work) fails it once silent for <see cref="Timeout"/>; one that
/// has not (starting, restarting, rolled out) keeps it pending for the grace period from the assignment, then fails it.
/// An older heartbeat alone never fails work assigned after it. Pure.
/// </summary>
public static class NodeRuntimeHeartbeat
{
    /// <summary>How long a node runtime may stay silent before its unfinished work counts as failed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>The verdict: Alive (nothing to say), Waiting (within the grace) or Silent (failed), with a message naming the node.</summary>
    public sealed record Verdict(Kind State, string? Message);

    public enum Kind
    {
        Alive,
        Waiting,
        Silent,
    }

    /// <param name="what">What was assigned, for messages ("the trace").</param>
    public static Verdict Judge(string node, NodeRuntimeObject? runtime, bool reported, DateTime? assignedAt, DateTime now, TimeSpan grace, string what)
    {
        var heartbeat = runtime?.Status?.HeartbeatTime;
        var last = heartbeat is { } h ? $"last heartbeat {h:u}" : "no heartbeat yet";
        if (heartbeat is { } hb && (reported || assignedAt is null || hb >= assignedAt))
        {
            return now - hb > Timeout
                ? new Verdict(Kind.Silent, $"node runtime on {node} stopped reporting ({last})")
                : new Verdict(Kind.Alive, null);
        }

        var since = assignedAt ?? now;
        return now - since <= grace
            ? new Verdict(Kind.Waiting, $"waiting for the node runtime on {node} to report ({last}); assigned {since:u}, fails after {GoDuration.Format(grace)} without a report")
            : new Verdict(Kind.Silent, $"node runtime on {node} has not reported since {what} was assigned at {since:u} (grace {GoDuration.Format(grace)}; {last})");
    }
}
