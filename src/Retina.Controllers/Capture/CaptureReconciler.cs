using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Controllers.NodeRuntime;
using Retina.Controllers.Options;
using Retina.Controllers.Validation;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Events;
using Retina.Kube.Informers;
using Retina.Kube.Status;
using Retina.Api.NodeRuntime;
using Conditions = Retina.Api.Common.Conditions;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Capture;

/// <summary>
/// Drives a Capture: validates it, checks its output Secrets exist, resolves its target to nodes and pod IPs, writes one
/// assignment per node into that node's NodeRuntime, folds the nodes' reports into status, and cleans up
/// (assignments) when it finishes or is deleted; deletes it ttlSecondsAfterFinished later.
/// </summary>
public sealed class CaptureReconciler(IKubeClient client, RetinaControllerOptions options, EventRecorder events, TimeProvider time) : IReconciler
{
    public const string Finalizer = "retina.sh/capture-cleanup";
    private static readonly CaptureValidator Validator = new();
    private static readonly TimeSpan RecheckRunning = TimeSpan.FromSeconds(30);

    /// <summary>How long a Capture without duration waits for its output Secret before it fails with SecretNotFound (the message says until when).</summary>
    public static readonly TimeSpan SecretWait = TimeSpan.FromMinutes(1);
    private readonly CaptureCredentials credentials = new(client);
    private readonly NodeAssignments<NodeCaptureAssignment> assignments = NodeAssignmentLists.Captures(client);

    public ObjectCache<Api.Capture.Capture>? Captures { get; set; }

    public ObjectCache<V1Node>? Nodes { get; set; }

    public ObjectCache<V1Pod>? Pods { get; set; }

    public ObjectCache<V1Namespace>? Namespaces { get; set; }

    public ObjectCache<NodeRuntimeObject>? Runtimes { get; set; }

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var capture = await client.LiveOrReleasedAsync(Captures!, key, Finalizer, CleanUpAsync, ct).ConfigureAwait(false);
        if (capture is null)
        {
            return ReconcileResult.Done;
        }

        var report = Validator.Validate(capture);
        AddPolicyProblems(options, capture, report);
        if (!report.IsValid)
        {
            await RejectAsync(key, capture, CaptureReasons.InvalidSpec, report.Summary(), ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        if (CapturePhase.IsFinished(capture.Status?.Phase))
        {
            return await FinishedAsync(key, capture, ct).ConfigureAwait(false);
        }

        capture = await client.AddFinalizerAsync<Api.Capture.Capture>(key, Finalizer, ct).ConfigureAwait(false) ?? capture;
        var staged = await credentials.CheckAsync(capture, ct).ConfigureAwait(false);
        var now = time.GetUtcNow().UtcDateTime;
        // To the second, as Retina: every node's artifact is named from it, so names can be derived from status.
        var start = capture.Status?.StartTime ?? new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        var duration = Duration(capture);
        DateTime? deadline = duration is { } d ? start + d : null;
        if (staged.Problem is not null)
        {
            // Retina fails at once; GitOps may apply the Secret a moment after the Capture, so we wait a little (and say how long).
            var giveUpAt = deadline ?? start + SecretWait;
            return await WaitForSecretAsync(key, capture, $"{staged.Path}: {staged.Problem} (waiting until {giveUpAt:u})", now > giveUpAt, ct).ConfigureAwait(false);
        }

        var resolved = CaptureTargetResolver.Resolve(capture, Nodes!.List(), Pods!.List(), Namespaces!.List(),
            await WorkloadSelectorAsync(capture, ct).ConfigureAwait(false), options.AllowsCrossNamespaceCaptureOf);
        var key0 = CaptureAssignmentBuilder.Key(capture);

        // The nodes list in status may be cut at its cap: the nodes' specs say where this Capture runs.
        var assigned = (capture.Status?.Nodes ?? []).Select(n => n.Node)
            .Concat(Runtimes!.List().Where(r => r.Spec.Captures?.Any(a => a.Key == key0) == true).Select(r => r.Metadata.Name))
            .ToHashSet(StringComparer.Ordinal);
        if (assigned.Count == 0 && TargetProblem(capture, resolved) is { } problem)
        {
            await RejectAsync(key, capture, problem.Reason, problem.Message, ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        var notes = resolved.Notes.ToList();
        var tally = new AssignmentTally(assigned);
        var queued = tally.Queued;
        // Judged against the nodes assigned before this pass: every node of the first pass gets the whole duration.
        var before = assigned.ToHashSet(StringComparer.Ordinal);
        foreach (var (node, ips) in resolved.Nodes)
        {
            // Pods that start during the capture join it, for the time that is left.
            var late = before.Count > 0 && !before.Contains(node);
            if (late && (now >= deadline || (options.MaxNodesPerCapture > 0 && assigned.Count >= options.MaxNodesPerCapture)))
            {
                if (now < deadline || deadline is null)
                {
                    notes.Add($"{node}: not joined, the Capture already runs on the most nodes the cluster allows per Capture ({options.MaxNodesPerCapture}, MaxNodesPerCapture)");
                }

                continue;
            }

            if (ips.Count > NodeCaptureAssignment.MaxPodIps)
            {
                notes.Add($"{node}: capturing the first {NodeCaptureAssignment.MaxPodIps} of {ips.Count} pod IPs (the cap of NodeRuntime spec.captures[].podIPs)");
            }

            var endpoints = resolved.HostEndpoints.GetValueOrDefault(node);
            var outcome = await assignments.ChangeAsync(node, key0, current => Stopping(capture, current is null
                ? CaptureAssignmentBuilder.Build(capture, ips, late && deadline is { } dl ? dl - now : null, start, now, endpoints)
                : WithPodIps(current, ips, endpoints)), ct).ConfigureAwait(false);
            tally.Record(node, outcome);
        }

        // One snapshot of the nodes' reports for this pass: the copy Jobs and the status must judge the same reports.
        var runtimes = assigned.ToDictionary(n => n, n => Runtimes!.Get(ObjectKey.Cluster(n)), StringComparer.Ordinal);
        var delivery = await new PvcCopyDelivery(client, options.CopyJobImage, options.CaptureHostPathBase).DeliverAsync(capture, runtimes, ct).ConfigureAwait(false);
        var copies = delivery.Copies;
        var updated = await client.UpdateStatusAsync<Api.Capture.Capture>(key, c =>
        {
            var status = c.Status ??= new CaptureStatus();
            status.StartTime ??= start;
            status.EffectiveOptions = CaptureAssignmentBuilder.Effective(c, status.StartTime.Value);
            SetAccepted(c, notes, now);
            CaptureTargetConditions.Set(c, resolved, now);
            CaptureStatusAggregator.Apply(c, assigned, runtimes.GetValueOrDefault, now, copies.GetValueOrDefault, queued, options.NodeRuntimeGraceSpan);
            if (StopRequest(capture) is { } why)
            {
                Conditions.Set(c.StatusConditions, StoppedEarlyCondition, ConditionStatus.True, StoppedOnResolvedReason, why, c.Metadata.Generation, now);
            }
            if (delivery.PendingReason is not null)
            {
                Conditions.Set(c.StatusConditions, CaptureReasons.CopyPending, ConditionStatus.True, delivery.PendingReason, delivery.PendingMessage!, c.Metadata.Generation, now);
            }
            else if (copies.Count > 0 && Conditions.Find(c.StatusConditions, CaptureReasons.CopyPending) is not null)
            {
                Conditions.Set(c.StatusConditions, CaptureReasons.CopyPending, ConditionStatus.False, CaptureReasons.CopiesProgressing, "every copy Job is scheduled or done", c.Metadata.Generation, now);
            }

            // Retina fails a Capture that selects nothing at once; with a duration, pods that start during it may still join.
            if (assigned.Count == 0 && queued.Count == 0 && (deadline is null || now >= deadline))
            {
                status.Phase = CapturePhase.Failed;
                Conditions.Set(c.StatusConditions, CaptureReasons.Error, ConditionStatus.True, CaptureReasons.NoTargets,
                    (deadline is null ? "no node or pod matches the target" : "no node or pod matched the target during the capture's duration") + (resolved.Notes.Count > 0 ? ": " + string.Join("; ", resolved.Notes) : ""),
                    c.Metadata.Generation, now);
                CaptureStatusAggregator.SetHealth(c, now);
            }

            return true;
        }, ct).ConfigureAwait(false);

        if (updated is not null && CapturePhase.IsFinished(updated.Status?.Phase))
        {
            await events.RecordAsync(updated, updated.Status!.Phase == CapturePhase.Completed ? EventRecorder.Normal : EventRecorder.Warning,
                updated.Status.Phase!, $"{updated.Status.Succeeded} node(s) succeeded, {updated.Status.Failed} failed", ct).ConfigureAwait(false);
            return await FinishedAsync(key, updated, ct).ConfigureAwait(false);
        }

        if (capture.Status?.StartTime is null && assigned.Count > 0)
        {
            await events.RecordAsync(capture, EventRecorder.Normal, "Assigned", $"capturing on {assigned.Count} node(s): {string.Join(", ", assigned.Order().Take(10))}", ct).ConfigureAwait(false);
        }

        // A node waiting for its runtime is looked at again by the end of the grace period, so it fails on time.
        var waiting = updated?.Status?.Nodes?.Any(n => n.Reason == CaptureReasons.WaitingForNodeRuntime) == true;
        var recheck = waiting ? TimeSpan.FromTicks(Math.Min(RecheckRunning.Ticks, Math.Max(TimeSpan.FromMilliseconds(500).Ticks, options.NodeRuntimeGraceSpan.Ticks / 2))) : RecheckRunning;
        return tally.Requeue(recheck);
    }

    /// <summary>What this cluster's admin allows beyond the validator (also checked by the admission webhook).</summary>
    internal static void AddPolicyProblems(RetinaControllerOptions options, Api.Capture.Capture capture, ValidationReport report)
    {
        var output = capture.Spec.OutputConfiguration;
        foreach (var (name, set) in new[] { ("hostPath", output.HostPath is not null), ("persistentVolumeClaim", output.PersistentVolumeClaim is not null), ("blobUpload", output.BlobUpload is not null), ("s3Upload", output.S3Upload is not null) })
        {
            if (set && !options.AllowedOutputs.Contains(name, StringComparer.Ordinal))
            {
                report.Add($"spec.outputConfiguration.{name}", $"this cluster allows only {string.Join(", ", options.AllowedOutputs)} outputs");
            }
        }
    }

    private async Task RejectAsync(ObjectKey key, Api.Capture.Capture capture, string reason, string message, CancellationToken ct)
    {
        var updated = await client.UpdateStatusAsync<Api.Capture.Capture>(key, c =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            var status = c.Status ??= new CaptureStatus();
            var changed = status.Phase != CapturePhase.Failed;
            status.Phase = CapturePhase.Failed;
            changed |= Conditions.Set(c.StatusConditions, AcceptanceReconciler<Api.Capture.Capture>.ConditionAccepted, ConditionStatus.False, reason, message, c.Metadata.Generation, now);
            changed |= Conditions.Set(c.StatusConditions, CaptureReasons.Error, ConditionStatus.True, reason, message, c.Metadata.Generation, now);
            changed |= CaptureStatusAggregator.SetHealth(c, now);
            return changed || c.Status.ObservedGeneration != c.Metadata.Generation;
        }, ct).ConfigureAwait(false);
        if (updated is not null && capture.Status?.Phase != CapturePhase.Failed)
        {
            await events.RecordAsync(capture, EventRecorder.Warning, reason, message, ct).ConfigureAwait(false);
        }
    }

    private async Task<ReconcileResult> WaitForSecretAsync(ObjectKey key, Api.Capture.Capture capture, string message, bool giveUp, CancellationToken ct)
    {
        if (giveUp)
        {
            await RejectAsync(key, capture, CaptureReasons.SecretNotFound, message, ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        await client.UpdateStatusAsync<Api.Capture.Capture>(key, c =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            (c.Status ??= new CaptureStatus()).Phase = CapturePhase.Pending;
            c.Status.StartTime ??= now;
            return Conditions.Set(c.StatusConditions, CaptureReasons.Error, ConditionStatus.True, CaptureReasons.SecretNotFound, message, c.Metadata.Generation, now)
                | CaptureStatusAggregator.SetHealth(c, now)
                | c.Status.ObservedGeneration != c.Metadata.Generation;
        }, ct).ConfigureAwait(false);
        return ReconcileResult.Requeue(TimeSpan.FromSeconds(10));
    }

    private async Task<ReconcileResult> FinishedAsync(ObjectKey key, Api.Capture.Capture capture, CancellationToken ct)
    {
        await CleanUpAsync(capture, ct).ConfigureAwait(false);
        return await FinishedWork.ReleaseAsync<Api.Capture.Capture>(client, key, capture, Finalizer, capture.Spec.TtlSecondsAfterFinished,
            capture.Status?.CompletionTime ?? Conditions.Find(capture.StatusConditions, CaptureReasons.Error)?.LastTransitionTime, time.GetUtcNow().UtcDateTime, ct).ConfigureAwait(false);
    }

    /// <summary>Withdraws every assignment of this Capture (which also ends the nodes' access to its credentials). Idempotent.</summary>
    private Task CleanUpAsync(Api.Capture.Capture capture, CancellationToken ct) => assignments.WithdrawAsync(Runtimes!.List(), CaptureAssignmentBuilder.Key(capture), ct);

    private Task<V1LabelSelector?> WorkloadSelectorAsync(Api.Capture.Capture capture, CancellationToken ct) =>
        WorkloadSelectors.GetAsync(client, capture.Spec.CaptureConfiguration.CaptureTarget?.WorkloadRef, capture.Metadata.NamespaceProperty, ct);

    private static void SetAccepted(Api.Capture.Capture c, IReadOnlyList<string> notes, DateTime now) =>
        Conditions.Set(c.StatusConditions, AcceptanceReconciler<Api.Capture.Capture>.ConditionAccepted, ConditionStatus.True,
            AcceptanceReconciler<Api.Capture.Capture>.ReasonValid, notes.Count == 0 ? "spec is valid" : string.Join("; ", notes), c.Metadata.Generation, now);

    /// <summary>Condition type and reason of a child Capture stopped early because what fired it resolved (CapturePolicy spec.stopOnResolved).</summary>
    public const string StoppedEarlyCondition = "StoppedEarly";

    public const string StoppedOnResolvedReason = "StoppedOnResolved";

    /// <summary>Why the Capture is asked to stop before its duration (the annotation its CapturePolicy wrote), or null.</summary>
    private static string? StopRequest(Api.Capture.Capture capture) =>
        capture.Metadata.Annotations is { } a && a.TryGetValue(Alerts.ResolvedStopper.StopRequestedAnnotation, out var why) && why.Length > 0 ? why : null;

    /// <summary>A Capture asked to stop early tells every node to stop; the nodes finish it as if its duration had ended.</summary>
    private static NodeCaptureAssignment Stopping(Api.Capture.Capture capture, NodeCaptureAssignment assignment)
    {
        if (StopRequest(capture) is not null)
        {
            assignment.Stop = true;
        }

        return assignment;
    }

    private static NodeCaptureAssignment WithPodIps(NodeCaptureAssignment current, SortedSet<string> ips, SortedSet<string>? endpoints)
    {
        var copy = System.Text.Json.JsonSerializer.Deserialize<NodeCaptureAssignment>(System.Text.Json.JsonSerializer.Serialize(current))!;
        copy.PodIps = CaptureAssignmentBuilder.PodIps(ips);
        copy.PodEndpoints = CaptureAssignmentBuilder.PodIps(endpoints ?? []);
        return copy;
    }

    /// <summary>What fails a Capture before any node runs it, as Retina fails it: too many nodes, or podNames of which none exists.</summary>
    private (string Reason, string Message)? TargetProblem(Api.Capture.Capture capture, CaptureTargetResolver.Result resolved)
    {
        if (options.MaxNodesPerCapture > 0 && resolved.Nodes.Count > options.MaxNodesPerCapture)
        {
            return (CaptureReasons.TooManyNodes, $"the target resolves to {resolved.Nodes.Count} nodes, more than the {options.MaxNodesPerCapture} this cluster allows per Capture (MaxNodesPerCapture)");
        }

        var names = capture.Spec.CaptureConfiguration.CaptureTarget?.PodNames;
        if (names is { Count: > 0 } && resolved.MissingPodNames.Count == names.Distinct(StringComparer.Ordinal).Count())
        {
            return (CaptureReasons.PodsNotFound, $"spec.captureConfiguration.captureTarget.podNames: no pod named {string.Join(", ", resolved.MissingPodNames)} exists in namespace {capture.Metadata.NamespaceProperty}");
        }

        return null;
    }

    private static TimeSpan? Duration(Api.Capture.Capture c) =>
        c.Spec.CaptureConfiguration.CaptureOption?.Duration is { } text && GoDuration.TryParse(text, out var d) ? d : null;
}
