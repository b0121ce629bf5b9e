using System.Collections.Concurrent;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Informers;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Alerts;

/// <summary>
/// Reads each NodeRuntime's status.triggers and turns every Firing breach episode into a firing of its CapturePolicy through
/// <see cref="AlertFiringRecorder"/> (claim in the policy's status, child named after node@since, limits, events, metrics),
/// and every ended one into an early stop of its child when the policy asks (<see cref="ResolvedStopper"/>). Episodes done
/// are remembered per node only to spare the API the repeat: a restarted controller re-reads them and the policy's status
/// claim makes the repeat create nothing.
/// </summary>
public sealed class NodeTriggerReconciler(AlertFiringRecorder recorder, ResolvedStopper stopper, TimeProvider time) : IReconciler
{
    /// <summary>An episode that ended before this controller saw it fire still fires, unless it ended longer ago than this (a restart long after).</summary>
    public static readonly TimeSpan LateFiring = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, HashSet<string>> done = new(StringComparer.Ordinal);

    public ObjectCache<NodeRuntimeObject>? Runtimes { get; set; }

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var runtime = Runtimes!.Get(key);
        if (runtime is null)
        {
            done.TryRemove(key.Name, out _);
            return ReconcileResult.Done;
        }

        var node = runtime.Metadata.Name;
        var seen = done.GetOrAdd(node, _ => new HashSet<string>(StringComparer.Ordinal));
        var current = new HashSet<string>(StringComparer.Ordinal);
        string? failure = null;
        foreach (var breach in runtime.Status?.Triggers ?? [])
        {
            if (breach.Since is not { } since)
            {
                continue;
            }

            var id = $"{breach.Key}@{ThresholdEpisode.Key(node, since)}#{breach.State}";
            current.Add(id);
            current.Add($"{breach.Key}@{ThresholdEpisode.Key(node, since)}#Firing");
            if (seen.Contains(id))
            {
                continue;
            }

            try
            {
                var firedId = $"{breach.Key}@{ThresholdEpisode.Key(node, since)}#Firing";
                if (breach.State == "Firing")
                {
                    await recorder.RecordThresholdAsync(node, breach, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // A short episode may have started and ended between two reads of this status.
                    if (!seen.Contains(firedId) && breach.EndedTime is { } ended && time.GetUtcNow().UtcDateTime - ended < LateFiring)
                    {
                        await recorder.RecordThresholdAsync(node, breach, cancellationToken).ConfigureAwait(false);
                    }

                    await stopper.StopAsync(breach.Policy, breach.Trigger, ThresholdEpisode.Key(node, since), $"the threshold breach on node {node} ended", cancellationToken)
                        .ConfigureAwait(false);
                }

                seen.Add(id);
            }
            catch (AlertTransientException e)
            {
                failure = e.Message;
            }
        }

        seen.IntersectWith(current);
        return failure is null ? ReconcileResult.Done : ReconcileResult.Failed(failure);
    }
}
