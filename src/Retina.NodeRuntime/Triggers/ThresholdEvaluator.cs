using Microsoft.Extensions.Logging;
using Retina.Api.NodeRuntime;
using Retina.NodeRuntime.Metrics;

namespace Retina.NodeRuntime.Triggers;

/// <summary>
/// Evaluates NodeRuntime.spec.triggers on this node, once per tick, from the counters the plugins keep (no Prometheus):
/// each threshold's rate over its window, a breach episode when it is above the value, the end of it when it falls back.
/// <see cref="Report"/> is what status.triggers says; <see cref="Changed"/> fires when an episode starts or ends so the
/// agent writes status at once instead of at its next heartbeat.
/// </summary>
public sealed partial class ThresholdEvaluator(NodeMetrics metrics, TimeProvider time)
{
    /// <summary>The tick: the smallest step of a window, and how stale a breach can be when it is reported.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private static readonly Dictionary<string, string> PluginOf = new(StringComparer.Ordinal)
    {
        ["dropRate"] = "dropreason", ["dnsFailureRate"] = "dns", ["retransmitRate"] = "tcpretrans",
    };

    private readonly object gate = new();
    private Dictionary<string, ThresholdState> states = new(StringComparer.Ordinal);
    private Dictionary<string, double> lastRetransByIp = new(StringComparer.Ordinal);

    /// <summary>Makes the plugins publish their latest counts first (dropreason reads its kernel map only when asked).</summary>
    public Action Refresh { get; set; } = () => { };

    /// <summary>The local pod that owns an address (for retransmitRate's top contributor), or null.</summary>
    public Func<string, (string Namespace, string Pod)?> PodOf { get; set; } = _ => null;

    /// <summary>Whether a plugin runs on this node (null: not known, assume it does).</summary>
    public Func<string, bool>? PluginRunning { get; set; }

    public event Action? Changed;

    public ILogger Logger { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>Thresholds now in the spec; a threshold whose definition is unchanged keeps its window and episode.</summary>
    public void Apply(IReadOnlyList<NodeTriggerSpec>? specs)
    {
        lock (gate)
        {
            var next = new Dictionary<string, ThresholdState>(StringComparer.Ordinal);
            foreach (var spec in specs ?? [])
            {
                next[spec.Key] = states.TryGetValue(spec.Key, out var kept) && Same(kept.Spec, spec) ? kept : new ThresholdState(spec);
            }

            states = next;
        }
    }

    /// <summary>One evaluation of every threshold; raises <see cref="Changed"/> when an episode started or ended.</summary>
    public void Evaluate()
    {
        bool changed;
        lock (gate)
        {
            if (states.Count == 0)
            {
                return;
            }

            Refresh();
            changed = EvaluateLocked(time.GetUtcNow().UtcDateTime);
        }

        if (changed)
        {
            Changed?.Invoke();
        }
    }

    private bool EvaluateLocked(DateTime now)
    {
        var metricsInUse = states.Values.Select(s => s.Spec.Metric).ToHashSet(StringComparer.Ordinal);
        var counts = TriggerCounts.Read(metrics, metricsInUse.Contains("dropRate"), metricsInUse.Contains("dnsFailureRate"), metricsInUse.Contains("retransmitRate"));
        Dictionary<string, double>? grown = null;
        if (metricsInUse.Contains("retransmitRate"))
        {
            grown = counts.RetransmitsByIp.Where(p => lastRetransByIp.TryGetValue(p.Key, out var before) && p.Value > before)
                .ToDictionary(p => p.Key, p => p.Value - lastRetransByIp[p.Key], StringComparer.Ordinal);
            foreach (var (ip, value) in counts.RetransmitsByIp.Where(p => !lastRetransByIp.ContainsKey(p.Key)))
            {
                grown[ip] = value; // A series that appeared this tick grew from zero.
            }

            lastRetransByIp = counts.RetransmitsByIp;
        }

        var changed = false;
        foreach (var state in states.Values)
        {
            var spec = state.Spec;
            var plugin = PluginOf[spec.Metric];
            var unavailable = PluginRunning is { } running && !running(plugin)
                ? $"{spec.Metric} needs the {plugin} plugin, which is not running on this node"
                : null;
            if (unavailable != state.Unavailable)
            {
                state.Unavailable = unavailable;
                changed = true;
            }

            var raw = spec.Metric switch
            {
                "dropRate" => spec.Reason is { } reason
                    ? counts.DropsByReason.Where(p => IsReason(p.Key, reason)).Sum(p => p.Value)
                    : counts.DropsByReason.Values.Sum(),
                "dnsFailureRate" => (spec.Rcodes ?? []).Sum(r => counts.DnsByRcode.GetValueOrDefault(r)),
                _ => counts.Retransmits,
            };
            changed |= state.Add(now, raw, spec.Metric == "retransmitRate" ? grown : null, PodOf);
        }

        return changed;
    }

    /// <summary>status.triggers: every threshold with an episode or a reason it cannot be judged, in spec order.</summary>
    public List<NodeTriggerStatus>? Report()
    {
        lock (gate)
        {
            var list = states.Values.Where(s => s.Episode is not null || s.Unavailable is not null).Select(s =>
            {
                var e = s.Episode;
                return new NodeTriggerStatus
                {
                    Policy = s.Spec.Policy, Trigger = s.Spec.Trigger, State = e?.State ?? "Ok", Since = e?.Since, EndedTime = e?.EndedTime, Value = e?.Value,
                    Namespace = e?.Namespace, Pod = e?.Pod, Message = s.Unavailable,
                };
            }).Take(64).ToList();
            return list.Count == 0 ? null : list;
        }
    }

    /// <summary>Evaluates every <see cref="Tick"/> until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    Evaluate();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One bad tick (a plugin torn down under it) must not end evaluation for good: the next tick retries.
                    LogTickFailed(Logger, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>The kernel's name, or its Retina alias when the dropreason plugin reports Retina's names (reasonNames: retina).</summary>
    private static bool IsReason(string label, string reason)
    {
        if (string.Equals(label, reason, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var alias = Plugins.DropReason.DropReasonNames.RetinaAlias(reason.ToUpperInvariant());
        return alias != "UNKNOWN_DROP" && string.Equals(label, alias, StringComparison.Ordinal);
    }

    private static bool Same(NodeTriggerSpec a, NodeTriggerSpec b) =>
        a.Metric == b.Metric && a.Above == b.Above && a.WindowSeconds == b.WindowSeconds && a.Reason == b.Reason
        && (a.Rcodes ?? []).SequenceEqual(b.Rcodes ?? [], StringComparer.OrdinalIgnoreCase);

    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "Evaluating node-local thresholds failed (retried next tick): {Reason}")]
    private static partial void LogTickFailed(ILogger logger, string reason);
}
