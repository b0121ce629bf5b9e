using System.Globalization;
using Retina.Api.NodeRuntime;

namespace Retina.NodeRuntime.Triggers;

/// <summary>
/// One threshold's sliding window: a ring of (time, running total) samples, one per tick, covering windowSeconds. The rate is
/// the total's growth over the window divided by the time it spans; a counter that goes down (a series removed) counts as no
/// growth, never as negative. The window must be full before the threshold can breach, so a fresh spec never fires on a
/// partial window. Not thread-safe: the evaluator holds its lock.
/// </summary>
public sealed class ThresholdState(NodeTriggerSpec spec)
{
    // The schema bounds the window (5 s to 10 min); a spec written past the schema cannot make the ring empty or huge.
    private readonly (DateTime Time, double Total)[] ring = new (DateTime, double)[Math.Clamp(spec.WindowSeconds, 5, 600) + 1];
    private readonly Dictionary<string, double> recentByIp = new(StringComparer.Ordinal);
    private int count;
    private int next;
    private double? lastRaw;
    private double total;

    public NodeTriggerSpec Spec { get; } = spec;

    /// <summary>The latest episode (null: none yet).</summary>
    public NodeTriggerStatus? Episode { get; private set; }

    /// <summary>Why the threshold cannot be judged here (its plugin is not running); null when it can.</summary>
    public string? Unavailable { get; set; }

    /// <summary>The rate over the last full window (null until the window is full).</summary>
    public double? Rate { get; private set; }

    /// <summary>Adds one sample; true when the episode changed (started or ended).</summary>
    /// <param name="raw">The counter's cumulative value now.</param>
    /// <param name="grownByIp">Growth since the last tick per local address, where the counter knows them (retransmitRate), for the top contributor.</param>
    /// <param name="podOf">namespace and name of the local pod that owns an address, or null.</param>
    public bool Add(DateTime now, double raw, IReadOnlyDictionary<string, double>? grownByIp, Func<string, (string Namespace, string Pod)?> podOf)
    {
        total += lastRaw is { } last && raw > last ? raw - last : 0;
        lastRaw = raw;
        if (grownByIp is not null)
        {
            Decay(grownByIp);
        }

        ring[next] = (now, total);
        next = (next + 1) % ring.Length;
        count = Math.Min(count + 1, ring.Length);
        if (count < ring.Length)
        {
            return false;
        }

        var oldest = ring[next];
        var span = (now - oldest.Time).TotalSeconds;
        Rate = span > 0 ? (total - oldest.Total) / span : 0;
        var firing = Episode?.State == "Firing";
        if (!firing && Rate > Spec.Above)
        {
            var top = recentByIp.Count == 0 ? null : podOf(recentByIp.MaxBy(p => p.Value).Key);
            Episode = new NodeTriggerStatus
            {
                Policy = Spec.Policy, Trigger = Spec.Trigger, State = "Firing", Since = Truncate(now), Value = Format(Rate.Value),
                Namespace = top?.Namespace, Pod = top?.Pod,
            };
            return true;
        }

        if (firing && Rate <= Spec.Above)
        {
            Episode!.State = "Ok";
            Episode.EndedTime = Truncate(now);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Who contributed lately, per address: a decaying sum with the window as its time constant, so the top contributor
    /// reflects the window without keeping a per-address history.
    /// </summary>
    private void Decay(IReadOnlyDictionary<string, double> grownByIp)
    {
        var keep = 1.0 - 1.0 / (ring.Length - 1);
        foreach (var ip in recentByIp.Keys.ToList())
        {
            recentByIp[ip] *= keep;
            if (recentByIp[ip] < 0.01)
            {
                recentByIp.Remove(ip);
            }
        }

        foreach (var (ip, grew) in grownByIp)
        {
            recentByIp[ip] = recentByIp.GetValueOrDefault(ip) + grew;
        }
    }

    /// <summary>Whole seconds: the episode key (node and since) must read back the same from status.</summary>
    private static DateTime Truncate(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    private static string Format(double rate) => rate.ToString("0.#", CultureInfo.InvariantCulture);
}
