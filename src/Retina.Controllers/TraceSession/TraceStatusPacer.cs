using System.Collections.Concurrent;
using Retina.Api.TraceSession;

namespace Retina.Controllers.TraceSession;

/// <summary>
/// Bounds how often a running trace's status is written: a change of phase, node phases, conditions or the top
/// drop reason goes out at once; one that only moves counters waits until <c>interval</c> has passed since the last
/// write (the caller requeues for then). Keeps a last-write time per trace; forgets it when the trace is gone.
/// </summary>
public sealed class TraceStatusPacer(TimeSpan interval)
{
    private readonly ConcurrentDictionary<string, DateTime> lastWrite = new(StringComparer.Ordinal);

    /// <summary>What must reach status without delay.</summary>
    public static string Shape(TraceSessionStatus? s) =>
        s is null ? "" : string.Join('|',
            s.Phase, s.TopDropReason, s.StartTime, s.CompletionTime, s.Artifacts?.Count,
            string.Join(',', (s.Nodes ?? []).Select(n => $"{n.Node}:{n.Phase}:{n.Reason}")),
            string.Join(',', (s.Conditions ?? []).Select(c => $"{c.Type}:{c.Status}:{c.Reason}:{c.Message}").Where(c => !c.StartsWith("complete:False", StringComparison.Ordinal) && !c.StartsWith("EventsLost", StringComparison.Ordinal))));

    /// <summary>Whether to write now; otherwise <paramref name="wait"/> says for how long to hold the counters back.</summary>
    public bool MayWrite(string key, bool urgent, DateTime now, out TimeSpan wait)
    {
        wait = TimeSpan.Zero;
        if (!urgent && lastWrite.TryGetValue(key, out var last) && now - last < interval)
        {
            wait = interval - (now - last);
            return false;
        }

        return true;
    }

    public void Wrote(string key, DateTime now) => lastWrite[key] = now;

    public void Forget(string key) => lastWrite.TryRemove(key, out _);
}
