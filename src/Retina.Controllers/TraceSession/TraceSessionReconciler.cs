using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Api.NodeRuntime;
using Retina.Api.TraceSession;
using Retina.Controllers.Capture;
using Retina.Controllers.NodeRuntime;
using Retina.Controllers.Options;
using Retina.Controllers.Validation;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Events;
using Retina.Kube.Informers;
using Retina.Kube.Status;
using Conditions = Retina.Api.Common.Conditions;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;
using TraceObject = Retina.Api.TraceSession.TraceSession;

namespace Retina.Controllers.TraceSession;

/// <summary>
/// Drives a TraceSession: validates it, checks its output Secrets, resolves its target to nodes and pod IPs (pods that
/// start later join), writes one NodeTraceAssignment per node, tells the nodes to stop when its duration is over or it
/// is deleted (and waits, briefly, for them to flush), folds the nodes' reports into status at a bounded rate, records
/// Events that name the pods involved, withdraws the assignments once it finished, deletes it ttlSecondsAfterFinished later.
/// </summary>
public sealed class TraceSessionReconciler(IKubeClient client, RetinaControllerOptions options, EventRecorder events, TimeProvider time) : IReconciler
{
    public const string Finalizer = "retina.sh/trace-cleanup";
    private static readonly TraceSessionValidator Validator = new();
    private static readonly TimeSpan RecheckRunning = TimeSpan.FromSeconds(30);

    /// <summary>How long a deleted trace waits for its nodes to flush their last file and report before its assignments are withdrawn anyway.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    /// <summary>How long a deleted trace with a PersistentVolumeClaim output waits for its last files' copy Jobs (they are garbage-collected with it).</summary>
    public static readonly TimeSpan CopyGrace = TimeSpan.FromMinutes(2);

    private readonly CaptureCredentials credentials = new(client);
    private readonly NodeAssignments<NodeTraceAssignment> assignments = NodeAssignmentLists.Traces(client);
    private readonly TraceStatusPacer pacer = new(options.TraceStatusIntervalSpan);
    private TracePvcCopies? pvcCopies;

    private TracePvcCopies PvcCopies => pvcCopies ??= new(client, assignments, options.CopyJobImage, options.CaptureHostPathBase);

    public ObjectCache<TraceObject>? Traces { get; set; }

    public ObjectCache<V1Node>? Nodes { get; set; }

    public ObjectCache<V1Pod>? Pods { get; set; }

    public ObjectCache<V1Namespace>? Namespaces { get; set; }

    public ObjectCache<NodeRuntimeObject>? Runtimes { get; set; }

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var trace = Traces!.Get(key);
        if (trace is null)
        {
            pacer.Forget(key.ToString());
            return ReconcileResult.Done;
        }

        if (trace.IsBeingDeleted())
        {
            return await DeletingAsync(key, trace, ct).ConfigureAwait(false);
        }

        var report = Validator.Validate(trace);
        AddPolicyProblems(options, trace, report);
        if (!report.IsValid)
        {
            await RejectAsync(key, trace, TraceReasons.InvalidSpec, report.Summary(), ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        if (CapturePhase.IsFinished(trace.Status?.Phase))
        {
            return await FinishedAsync(key, trace, ct).ConfigureAwait(false);
        }

        trace = await client.AddFinalizerAsync<TraceObject>(key, Finalizer, ct).ConfigureAwait(false) ?? trace;
        var now = time.GetUtcNow().UtcDateTime;
        var start = trace.Status?.StartTime ?? new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        DateTime? deadline = trace.Spec.Duration is { } text && GoDuration.TryParse(text, out var d) ? start + d : null;
        if (trace.Spec.OutputConfiguration is { } output)
        {
            var (_, path, problem) = await credentials.ReadAsync(output, trace.Metadata.NamespaceProperty, "spec.outputConfiguration", ct).ConfigureAwait(false);
            if (problem is not null)
            {
                var giveUpAt = deadline ?? start + CaptureReconciler.SecretWait;
                return await WaitForSecretAsync(key, trace, $"{path}: {problem} (waiting until {giveUpAt:u})", now > giveUpAt, start, ct).ConfigureAwait(false);
            }
        }

        var target = trace.Spec.Target;
        var ns = trace.Metadata.NamespaceProperty;
        var resolved = CaptureTargetResolver.Resolve(target, ns, Nodes!.List(), Pods!.List(), Namespaces!.List(),
            await WorkloadSelectors.GetAsync(client, target.WorkloadRef, ns, ct).ConfigureAwait(false), options.AllowsCrossNamespaceCaptureOf);
        var key0 = TraceAssignmentBuilder.Key(trace);
        var assigned = (trace.Status?.Nodes ?? []).Where(n => n.Reason != TraceReasons.NodeTraceCapReached).Select(n => n.Node)
            .Concat(Runtimes!.List().Where(r => r.Spec.Traces?.Any(a => a.Key == key0) == true).Select(r => r.Metadata.Name))
            .ToHashSet(StringComparer.Ordinal);
        if (assigned.Count == 0 && options.MaxNodesPerCapture > 0 && resolved.Nodes.Count > options.MaxNodesPerCapture)
        {
            await RejectAsync(key, trace, TraceReasons.TooManyNodes,
                $"the target resolves to {resolved.Nodes.Count} nodes, more than the {options.MaxNodesPerCapture} this cluster allows (MaxNodesPerCapture)", ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        var stop = now >= deadline;
        var notes = resolved.Notes.ToList();
        if (resolved.HostNetworkPods.Count > 0)
        {
            notes.Add($"not traced: host-network pods share their node's address ({string.Join(", ", resolved.HostNetworkPods.Take(10))}); trace their node with target.nodeSelector");
        }

        var tally = new AssignmentTally(assigned);
        var queued = tally.Queued;
        var before = assigned.ToHashSet(StringComparer.Ordinal);
        var wholeNode = target.NodeSelector is not null;
        foreach (var (node, ips) in resolved.Nodes)
        {
            var late = before.Count > 0 && !before.Contains(node);
            if (late && (stop || (options.MaxNodesPerCapture > 0 && assigned.Count >= options.MaxNodesPerCapture)))
            {
                continue;
            }

            // A host-network pod alone puts its node in the result with no address: nothing of it is traced.
            if (!wholeNode && ips.Count == 0 && !before.Contains(node))
            {
                continue;
            }

            var outcome = await assignments.ChangeAsync(node, key0, current => current is null
                ? stop ? null : TraceAssignmentBuilder.Build(trace, wholeNode ? [] : ips, late && deadline is { } dl ? dl - now : null, start, now)
                : Stopping(wholeNode ? current : TraceAssignmentBuilder.WithPodIps(current, ips), stop), ct).ConfigureAwait(false);
            tally.Record(node, outcome);
        }

        // Nodes whose traced pods are all gone trace nothing more (their entry stays: it holds the node's report).
        foreach (var node in before.Where(n => !resolved.Nodes.ContainsKey(n) || stop))
        {
            await assignments.ChangeAsync(node, key0, current => current is null ? null
                : Stopping(wholeNode || resolved.Nodes.ContainsKey(node) ? current : TraceAssignmentBuilder.WithPodIps(current, []), stop), ct).ConfigureAwait(false);
        }

        var runtimes = assigned.ToDictionary(n => n, n => Runtimes!.Get(ObjectKey.Cluster(n)), StringComparer.Ordinal);
        var copies = await PvcCopies.DeliverAsync(trace, runtimes, ct).ConfigureAwait(false);
        TraceSessionStatus? previous = null;
        var wait = TimeSpan.Zero;
        var updated = await client.UpdateStatusAsync<TraceObject>(key, t =>
        {
            previous = Snapshot(t.Status);
            var shape = TraceStatusPacer.Shape(t.Status);
            var status = t.Status ??= new TraceSessionStatus();
            status.StartTime ??= start;
            SetAccepted(t, notes, now);
            TraceStatusAggregator.Apply(t, assigned, runtimes.GetValueOrDefault, now, queued, options.NodeRuntimeGraceSpan, copies.Pending, copies.PendingReason);
            SetTargets(t, resolved, assigned.Count + queued.Count, deadline, now);
            return pacer.MayWrite(key.ToString(), TraceStatusPacer.Shape(t.Status) != shape, now, out wait);
        }, ct).ConfigureAwait(false);
        if (wait == TimeSpan.Zero)
        {
            pacer.Wrote(key.ToString(), now);
        }

        if (updated?.Status is { } written && wait == TimeSpan.Zero)
        {
            foreach (var finding in TraceEvents.New(previous, written))
            {
                await events.RecordAsync(updated, EventRecorder.Warning, finding.Reason, finding.Message, ct).ConfigureAwait(false);
            }
        }

        if (updated is not null && CapturePhase.IsFinished(updated.Status?.Phase))
        {
            await events.RecordAsync(updated, updated.Status!.Phase == CapturePhase.Completed ? EventRecorder.Normal : EventRecorder.Warning,
                updated.Status.Phase!, TraceEvents.Summary(updated.Status), ct).ConfigureAwait(false);
            return await FinishedAsync(key, updated, ct).ConfigureAwait(false);
        }

        if (trace.Status?.StartTime is null && assigned.Count > 0)
        {
            await events.RecordAsync(trace, EventRecorder.Normal, "Assigned", $"tracing on {assigned.Count} node(s): {string.Join(", ", assigned.Order().Take(10))}", ct).ConfigureAwait(false);
        }

        var waiting = updated?.Status?.Nodes?.Any(n => n.Reason == TraceReasons.WaitingForNodeRuntime) == true;
        var recheck = waiting ? TimeSpan.FromTicks(Math.Clamp(options.NodeRuntimeGraceSpan.Ticks / 2, TimeSpan.FromMilliseconds(500).Ticks, RecheckRunning.Ticks)) : RecheckRunning;
        if (deadline is { } end && end > now && end - now < recheck)
        {
            recheck = end - now;
        }

        if (wait > TimeSpan.Zero && wait < recheck)
        {
            recheck = wait;
        }

        return tally.Requeue(recheck);
    }

    /// <summary>What this cluster's admin allows beyond the validator: the outputs (as for Captures).</summary>
    internal static void AddPolicyProblems(RetinaControllerOptions options, TraceObject trace, ValidationReport report)
    {
        if (trace.Spec.OutputConfiguration is not { } output)
        {
            return;
        }

        foreach (var (name, set) in new[] { ("hostPath", output.HostPath is not null), ("persistentVolumeClaim", output.PersistentVolumeClaim is not null), ("blobUpload", output.BlobUpload is not null), ("s3Upload", output.S3Upload is not null) })
        {
            if (set && !options.AllowedOutputs.Contains(name, StringComparer.Ordinal))
            {
                report.Add($"spec.outputConfiguration.{name}", $"this cluster allows only {string.Join(", ", options.AllowedOutputs)} outputs");
            }
        }
    }

    private static NodeTraceAssignment Stopping(NodeTraceAssignment a, bool stop) => stop && a.Stop != true ? TraceAssignmentBuilder.Stopped(a) : a;

    private static TraceSessionStatus? Snapshot(TraceSessionStatus? s) =>
        s is null ? null : System.Text.Json.JsonSerializer.Deserialize<TraceSessionStatus>(System.Text.Json.JsonSerializer.Serialize(s));

    private static void SetAccepted(TraceObject t, IReadOnlyList<string> notes, DateTime now) =>
        Conditions.Set(t.StatusConditions, AcceptanceReconciler<TraceObject>.ConditionAccepted, ConditionStatus.True,
            AcceptanceReconciler<TraceObject>.ReasonValid, notes.Count == 0 ? "spec is valid" : string.Join("; ", notes), t.Metadata.Generation, now);

    /// <summary>How the target resolved; with a duration, a trace that matched nothing by its end fails (NoTargets).</summary>
    private static void SetTargets(TraceObject t, CaptureTargetResolver.Result resolved, int nodes, DateTime? deadline, DateTime now)
    {
        var status = t.Status!;
        var generation = t.Metadata.Generation;
        var missing = resolved.MissingPodNames.Count > 0 ? $"; no pod named {string.Join(", ", resolved.MissingPodNames.Take(10))} in namespace {t.Metadata.NamespaceProperty}" : "";
        if (nodes > 0)
        {
            Conditions.Set(t.StatusConditions, TraceReasons.Targets, ConditionStatus.True, TraceReasons.TargetsFound, $"tracing on {nodes} node(s){missing}", generation, now);
            return;
        }

        if (deadline is { } end && now >= end)
        {
            status.Phase = CapturePhase.Failed;
            status.CompletionTime ??= now;
            var message = "no node or pod matched the target during the trace's duration" + missing + (resolved.Notes.Count > 0 ? ": " + string.Join("; ", resolved.Notes) : "");
            Conditions.Set(t.StatusConditions, TraceReasons.Error, ConditionStatus.True, TraceReasons.NoTargets, message, generation, now);
            Conditions.Set(t.StatusConditions, TraceReasons.Targets, ConditionStatus.False, TraceReasons.NoTargets, message, generation, now);
            TraceStatusAggregator.SetHealth(t, now);
            return;
        }

        Conditions.Set(t.StatusConditions, TraceReasons.Targets, ConditionStatus.False, TraceReasons.NoTargets,
            $"no node or pod matches the target yet{missing}; pods that start later join" + (deadline is { } until ? $" (until {until:u})" : ""), generation, now);
    }

    private async Task RejectAsync(ObjectKey key, TraceObject trace, string reason, string message, CancellationToken ct)
    {
        var updated = await client.UpdateStatusAsync<TraceObject>(key, t =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            var status = t.Status ??= new TraceSessionStatus();
            var changed = status.Phase != CapturePhase.Failed;
            status.Phase = CapturePhase.Failed;
            status.CompletionTime ??= now;
            changed |= Conditions.Set(t.StatusConditions, AcceptanceReconciler<TraceObject>.ConditionAccepted, ConditionStatus.False, reason, message, t.Metadata.Generation, now);
            changed |= Conditions.Set(t.StatusConditions, TraceReasons.Error, ConditionStatus.True, reason, message, t.Metadata.Generation, now);
            changed |= TraceStatusAggregator.SetHealth(t, now);
            return changed || t.Status.ObservedGeneration != t.Metadata.Generation;
        }, ct).ConfigureAwait(false);
        if (updated is not null && trace.Status?.Phase != CapturePhase.Failed)
        {
            await events.RecordAsync(trace, EventRecorder.Warning, reason, message, ct).ConfigureAwait(false);
        }

        await CleanUpAsync(trace, ct).ConfigureAwait(false);
        if (trace.HasFinalizer(Finalizer))
        {
            await client.RemoveFinalizerAsync<TraceObject>(key, Finalizer, ct).ConfigureAwait(false);
        }
    }

    private async Task<ReconcileResult> WaitForSecretAsync(ObjectKey key, TraceObject trace, string message, bool giveUp, DateTime start, CancellationToken ct)
    {
        if (giveUp)
        {
            await RejectAsync(key, trace, TraceReasons.SecretNotFound, message, ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        await client.UpdateStatusAsync<TraceObject>(key, t =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            (t.Status ??= new TraceSessionStatus()).Phase = CapturePhase.Pending;
            t.Status.StartTime ??= start;
            return Conditions.Set(t.StatusConditions, TraceReasons.Error, ConditionStatus.True, TraceReasons.SecretNotFound, message, t.Metadata.Generation, now)
                | TraceStatusAggregator.SetHealth(t, now)
                | t.Status.ObservedGeneration != t.Metadata.Generation;
        }, ct).ConfigureAwait(false);
        return ReconcileResult.Requeue(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// A deleted trace: every node is told to stop, and is given <see cref="StopGrace"/> to flush its last file and
    /// report; a node whose runtime is silent or never reported is not waited for. Then the assignments go and the
    /// finalizer is released.
    /// </summary>
    private async Task<ReconcileResult> DeletingAsync(ObjectKey key, TraceObject trace, CancellationToken ct)
    {
        var key0 = TraceAssignmentBuilder.Key(trace);
        var now = time.GetUtcNow().UtcDateTime;
        var deletedAt = trace.Metadata.DeletionTimestamp ?? now;
        var busy = new List<string>();
        foreach (var runtime in Runtimes!.List().Where(r => r.Spec.Traces?.Any(a => a.Key == key0) == true))
        {
            var node = runtime.Metadata.Name;
            var report = runtime.Status?.Traces?.FirstOrDefault(t => t.Key == key0);
            if (CapturePhase.IsFinished(report?.Phase))
            {
                continue;
            }

            await assignments.ChangeAsync(node, key0, current => current is null ? null : Stopping(current, true), ct).ConfigureAwait(false);
            var alive = report is not null && NodeRuntimeHeartbeat.Judge(node, runtime, true, null, now, options.NodeRuntimeGraceSpan, "the trace").State == NodeRuntimeHeartbeat.Kind.Alive;
            if (alive && now - deletedAt < StopGrace)
            {
                busy.Add(node);
            }
        }

        if (busy.Count > 0)
        {
            return ReconcileResult.Requeue(TimeSpan.FromSeconds(1));
        }

        if (trace.Spec.OutputConfiguration?.PersistentVolumeClaim is not null && now - deletedAt < CopyGrace && await CopyingAsync(trace, ct).ConfigureAwait(false))
        {
            return ReconcileResult.Requeue(TimeSpan.FromSeconds(2));
        }

        await CleanUpAsync(trace, ct).ConfigureAwait(false);
        await client.RemoveFinalizerAsync<TraceObject>(key, Finalizer, ct).ConfigureAwait(false);
        pacer.Forget(key.ToString());
        return ReconcileResult.Done;
    }

    /// <summary>Runs the deleted trace's copies; whether a node still has closed files waiting for one (and copying did not stop).</summary>
    private async Task<bool> CopyingAsync(TraceObject trace, CancellationToken ct)
    {
        var key0 = TraceAssignmentBuilder.Key(trace);
        var runtimes = Runtimes!.List().Where(r => r.Spec.Traces?.Any(a => a.Key == key0) == true)
            .ToDictionary(r => r.Metadata.Name, r => (NodeRuntimeObject?)r, StringComparer.Ordinal);
        await PvcCopies.DeliverAsync(trace, runtimes, ct).ConfigureAwait(false);
        return runtimes.Values.Any(r => r!.Spec.Traces!.First(a => a.Key == key0).CopyError is null
            && r.Status?.Traces?.FirstOrDefault(t => t.Key == key0)?.ClosedFiles is { Count: > 0 });
    }

    private async Task<ReconcileResult> FinishedAsync(ObjectKey key, TraceObject trace, CancellationToken ct)
    {
        await CleanUpAsync(trace, ct).ConfigureAwait(false);
        return await FinishedWork.ReleaseAsync<TraceObject>(client, key, trace, Finalizer, trace.Spec.TtlSecondsAfterFinished,
            trace.Status?.CompletionTime ?? Conditions.Find(trace.StatusConditions, TraceReasons.Error)?.LastTransitionTime, time.GetUtcNow().UtcDateTime, ct).ConfigureAwait(false);
    }

    /// <summary>Withdraws every assignment of this trace (which also ends the nodes' access to its credentials). Idempotent.</summary>
    private Task CleanUpAsync(TraceObject trace, CancellationToken ct) => assignments.WithdrawAsync(Runtimes!.List(), TraceAssignmentBuilder.Key(trace), ct);
}
