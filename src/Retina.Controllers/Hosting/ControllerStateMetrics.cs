using k8s;
using k8s.Models;
using Prometheus;
using Retina.Controllers.NodeRuntime;
using Retina.Kube.Informers;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Hosting;

/// <summary>
/// Gauges of the state the controllers hold, read from their informer caches at scrape time (no API call, never stale):
/// work objects by kind and phase, each NodeRuntime's heartbeat age, and how many node runtimes are silent. A cache
/// that has not listed (a standby replica never runs its informers) exports nothing, so summing over replicas counts
/// each object once.
/// </summary>
public sealed class ControllerStateMetrics
{
    private readonly Lock gate = new();
    private readonly TimeProvider time;
    private readonly Dictionary<string, KindSource> kinds = new(StringComparer.Ordinal);
    private RuntimeSource? runtimes;

    public ControllerStateMetrics(CollectorRegistry registry, TimeProvider? timeProvider = null)
    {
        time = timeProvider ?? TimeProvider.System;
        var factory = Metrics.WithCustomRegistry(registry);
        Objects = factory.CreateGauge("retina_controller_objects",
            "Captures, TraceSessions and ShellSessions by status.phase (unset, not reconciled yet: Pending); every phase of each kind is exported, 0 included (at most 15 series).",
            ["kind", "phase"]);
        HeartbeatAge = factory.CreateGauge("retina_controller_noderuntime_heartbeat_age_seconds",
            "Seconds since the NodeRuntime's status.heartbeatTime, at scrape time: one series per NodeRuntime, so at most one per node of the cluster (none before its first heartbeat).",
            ["node"]);
        SilentNodeRuntimes = factory.CreateGauge("retina_controller_noderuntimes_silent",
            $"NodeRuntimes whose node runtime is silent by the rule that fails their captures and traces: no heartbeat for {NodeRuntimeHeartbeat.Timeout.TotalSeconds:0} s, or none within NodeRuntimeGrace of the NodeRuntime's creation.",
            new GaugeConfiguration { SuppressInitialValue = true });
        registry.AddBeforeCollectCallback(Collect);
    }

    /// <summary>On prometheus-net's default registry, served by the controllers' <c>/metrics</c>.</summary>
    public static ControllerStateMetrics Default { get; } = new(Metrics.DefaultRegistry);

    public Gauge Objects { get; }

    public Gauge HeartbeatAge { get; }

    public Gauge SilentNodeRuntimes { get; }

    /// <summary>
    /// Counts the informer's objects by phase under <paramref name="kind"/>; <paramref name="phases"/> are the kind's
    /// phases, the first (Pending) also counting objects without one yet. A later call for the same kind replaces it
    /// (one set of controllers per process).
    /// </summary>
    public void Track<T>(string kind, Informer<T> informer, Func<T, string?> phaseOf, IReadOnlyList<string> phases)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (gate)
        {
            kinds[kind] = new KindSource(() => informer.IsSynced, () => [.. informer.Cache.List().Select(phaseOf)], phases);
        }
    }

    /// <summary>Reads heartbeats from this informer's NodeRuntimes, judged with the controllers' grace for runtimes that never reported.</summary>
    public void TrackNodeRuntimes(Informer<NodeRuntimeObject> informer, TimeSpan grace)
    {
        lock (gate)
        {
            runtimes = new RuntimeSource(informer, grace);
        }
    }

    private void Collect()
    {
        lock (gate)
        {
            foreach (var (kind, source) in kinds)
            {
                CollectKind(kind, source);
            }

            CollectRuntimes();
        }
    }

    private void CollectKind(string kind, KindSource source)
    {
        if (!source.Synced())
        {
            foreach (var phase in source.Phases)
            {
                Objects.RemoveLabelled(kind, phase);
            }

            return;
        }

        var counts = source.Phases.ToDictionary(p => p, _ => 0, StringComparer.Ordinal);
        foreach (var phase in source.PhasesNow())
        {
            // Only the kind's own phases: a value the controllers never write would be an unbounded label.
            var key = string.IsNullOrEmpty(phase) ? source.Phases[0] : phase;
            if (counts.TryGetValue(key, out var n))
            {
                counts[key] = n + 1;
            }
        }

        foreach (var (phase, n) in counts)
        {
            Objects.WithLabels(kind, phase).Set(n);
        }
    }

    private void CollectRuntimes()
    {
        var exported = new HashSet<string>(StringComparer.Ordinal);
        if (runtimes is { } source && source.Informer.IsSynced)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var silent = 0;
            foreach (var runtime in source.Informer.Cache.List())
            {
                var node = runtime.Metadata.Name;
                if (runtime.Status?.HeartbeatTime is { } heartbeat)
                {
                    HeartbeatAge.WithLabels(node).Set(Math.Max(0, (now - heartbeat).TotalSeconds));
                    exported.Add(node);
                }

                // Work is "assigned" to a runtime from its creation: one that never reported gets the grace from then.
                var verdict = NodeRuntimeHeartbeat.Judge(node, runtime, reported: true, runtime.Metadata.CreationTimestamp, now, source.Grace, "its work");
                silent += verdict.State == NodeRuntimeHeartbeat.Kind.Silent ? 1 : 0;
            }

            SilentNodeRuntimes.Set(silent);
        }
        else
        {
            SilentNodeRuntimes.Unpublish();
        }

        foreach (var labels in HeartbeatAge.GetAllLabelValues().ToList())
        {
            if (!exported.Contains(labels[0]))
            {
                HeartbeatAge.RemoveLabelled(labels);
            }
        }
    }

    private sealed record KindSource(Func<bool> Synced, Func<IReadOnlyList<string?>> PhasesNow, IReadOnlyList<string> Phases);

    private sealed record RuntimeSource(Informer<NodeRuntimeObject> Informer, TimeSpan Grace);
}
