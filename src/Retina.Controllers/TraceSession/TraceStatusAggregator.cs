using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Api.NodeRuntime;
using Retina.Api.TraceSession;
using Retina.Controllers.NodeRuntime;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;
using TraceObject = Retina.Api.TraceSession.TraceSession;

namespace Retina.Controllers.TraceSession;

/// <summary>
/// Folds each node's report (NodeRuntime status.traces[]) into the TraceSession's status: per-node entries, counts by
/// kind, lost events by reason, merged top lists, artifacts, phase and conditions. Pure.
/// </summary>
public static class TraceStatusAggregator
{
    public const int MaxNodes = 5000;
    public const int MaxArtifacts = 20000;

    public static void Apply(TraceObject trace, IReadOnlyCollection<string> assignedNodes, Func<string, NodeRuntimeObject?> runtimeOf, DateTime now,
        IReadOnlyCollection<string>? queuedNodes = null, TimeSpan? nodeRuntimeGrace = null, IReadOnlyDictionary<string, string>? copyPending = null, string? copyPendingReason = null)
    {
        var grace = nodeRuntimeGrace ?? Capture.CaptureStatusAggregator.DefaultNodeRuntimeGrace;
        var status = trace.Status ??= new TraceSessionStatus();
        var key = TraceAssignmentBuilder.Key(trace);
        var previous = (status.Nodes ?? []).ToDictionary(n => n.Node, StringComparer.Ordinal);
        var queued = queuedNodes?.ToHashSet(StringComparer.Ordinal) ?? [];
        var nodes = new List<TraceNodeStatus>();
        var reports = new List<NodeTraceStatus>();
        var byNode = new List<(string Node, NodeTraceStatus Report)>();
        foreach (var node in queued.Order(StringComparer.Ordinal))
        {
            nodes.Add(new TraceNodeStatus
            {
                Node = node,
                Phase = CapturePhase.Pending,
                Reason = TraceReasons.NodeTraceCapReached,
                Message = $"queued: {node} already runs {NodeRuntimeSpec.MaxTraces} traces (the cap of its NodeRuntime spec.traces); starts when one ends",
            });
        }

        foreach (var node in assignedNodes.Where(n => !queued.Contains(n)).Order(StringComparer.Ordinal))
        {
            var runtime = runtimeOf(node);
            var report = runtime?.Status?.Traces?.FirstOrDefault(t => t.Key == key);
            if (report is not null)
            {
                reports.Add(report);
                byNode.Add((node, report));
            }

            var entry = report is null
                ? previous.GetValueOrDefault(node) ?? new TraceNodeStatus { Node = node, Phase = CapturePhase.Pending }
                : new TraceNodeStatus
                {
                    Node = node,
                    Phase = report.Phase ?? CapturePhase.Pending,
                    Events = report.Events ?? 0,
                    EventsByKind = report.EventsByKind,
                    LostEvents = report.LostEventsByReason?.Values.Sum() ?? 0,
                    Reason = report.Reason,
                    Message = report.Message,
                };
            var assignment = runtime?.Spec?.Traces?.FirstOrDefault(a => a.Key == key);
            entry.CopiedFiles = assignment?.CopiedFiles ?? (assignment?.PersistentVolumeClaim is not null ? 0 : null);
            if (copyPending?.GetValueOrDefault(node) is { } held)
            {
                entry.Message = entry.Message is { Length: > 0 } m ? $"{m}; {held}" : held;
            }

            if (!CapturePhase.IsFinished(entry.Phase))
            {
                Judge(entry, runtime, report is not null, runtime?.Spec?.Traces?.FirstOrDefault(a => a.Key == key)?.AssignedAt ?? status.StartTime, now, grace);
            }

            nodes.Add(entry);
        }

        nodes.Sort((a, b) => string.CompareOrdinal(a.Node, b.Node));
        status.Nodes = nodes.Count == 0 ? null : nodes.Take(MaxNodes).ToList();
        status.EventCount = nodes.Sum(n => n.Events ?? 0);
        status.EventsByKind = TraceTopLists.Sum(nodes.Select(n => (IReadOnlyDictionary<string, long>?)n.EventsByKind));
        status.LostEvents = nodes.Sum(n => n.LostEvents ?? 0);
        status.LostEventsByReason = TraceTopLists.Sum(reports.Select(r => (IReadOnlyDictionary<string, long>?)r.LostEventsByReason)) ?? (status.LostEvents > 0 ? status.LostEventsByReason : null);
        status.TopDropReasons = TraceTopLists.Merge(reports.Select(r => r.TopDropReasons)) ?? status.TopDropReasons;
        status.TopDnsFailures = TraceTopLists.Merge(reports.Select(r => r.TopDnsFailures)) ?? status.TopDnsFailures;
        status.TopTalkers = TraceTopLists.Merge(reports.Select(r => r.TopTalkers)) ?? status.TopTalkers;
        status.TopDropReason = status.TopDropReasons?.FirstOrDefault()?.Value;
        MergeArtifacts(status, assignedNodes, runtimeOf, key);
        status.Phase = Phase(nodes);
        SetConditions(trace, nodes, now);
        SetUploaded(trace, byNode, now);
        SetCopied(trace, assignedNodes, runtimeOf, key, copyPending, copyPendingReason, now);
    }

    /// <summary>Ready once Completed, Stalled once Failed (with the error's reason), Reconciling otherwise. True when anything changed.</summary>
    public static bool SetHealth(TraceObject trace, DateTime now)
    {
        var status = trace.Status ??= new TraceSessionStatus();
        var generation = trace.Metadata.Generation;
        var error = Conditions.Find(status.Conditions, TraceReasons.Error) is { Status: ConditionStatus.True } e ? e : null;
        var nodes = status.Nodes ?? [];
        if (status.Phase == CapturePhase.Failed)
        {
            return HealthConditions.Failed(trace.StatusConditions, error?.Reason ?? TraceReasons.NodesFailed, error?.Message ?? "the trace failed", generation, now);
        }

        if (status.Phase == CapturePhase.Completed)
        {
            return HealthConditions.Current(trace.StatusConditions, TraceReasons.AllNodesCompleted, $"{nodes.Count} node(s) traced, {status.EventCount ?? 0} event(s)", generation, now);
        }

        // A trace without duration is a continuous flow log: running is its steady state, as a Deployment's.
        if (trace.Spec.Duration is null && status.Phase == CapturePhase.Running && error is null)
        {
            return HealthConditions.Current(trace.StatusConditions, "FlowLogRunning", $"flow log running on {nodes.Count(n => n.Phase == CapturePhase.Running)} of {nodes.Count} node(s)", generation, now);
        }

        var phase = status.Phase ?? CapturePhase.Pending;
        return error is not null
            ? HealthConditions.InProgress(trace.StatusConditions, error.Reason, error.Message ?? phase, generation, now)
            : HealthConditions.InProgress(trace.StatusConditions, phase,
                $"trace is {phase}: {nodes.Count(n => !CapturePhase.IsFinished(n.Phase))} of {nodes.Count} node(s) unfinished", generation, now);
    }

    private static void SetConditions(TraceObject trace, List<TraceNodeStatus> nodes, DateTime now)
    {
        var status = trace.Status!;
        var generation = trace.Metadata.Generation;
        if (status.Phase == CapturePhase.Completed)
        {
            status.CompletionTime ??= now;
            Conditions.Set(trace.StatusConditions, TraceReasons.Complete, ConditionStatus.True, TraceReasons.AllNodesCompleted,
                $"{nodes.Count} node(s) traced, {status.EventCount} event(s)", generation, now);
        }
        else if (status.Phase == CapturePhase.Failed)
        {
            status.CompletionTime ??= now;
            var failed = nodes.Where(n => n.Phase == CapturePhase.Failed).ToList();
            Conditions.Set(trace.StatusConditions, TraceReasons.Error, ConditionStatus.True, failed.Select(n => n.Reason).FirstOrDefault(r => r is not null) ?? TraceReasons.NodesFailed,
                string.Join("; ", failed.Take(5).Select(n => $"{n.Node}: {n.Message}")) + (failed.Count > 5 ? $"; and {failed.Count - 5} more" : ""), generation, now);
        }
        else
        {
            Conditions.Set(trace.StatusConditions, TraceReasons.Complete, ConditionStatus.False, TraceReasons.InProgress,
                $"{nodes.Count(n => CapturePhase.IsFinished(n.Phase))}/{nodes.Count} nodes finished ({status.Phase})", generation, now);
        }

        if (status.LostEvents > 0)
        {
            var by = string.Join(", ", (status.LostEventsByReason ?? []).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}"));
            Conditions.Set(trace.StatusConditions, TraceReasons.EventsLost, ConditionStatus.True, TraceReasons.EventsLost,
                $"{status.LostEvents} event(s) lost{(by.Length > 0 ? $" ({by})" : "")}; status.lostEventsByReason and each node's lostEvents say where", generation, now);
        }
        else
        {
            Conditions.Remove(trace.StatusConditions, TraceReasons.EventsLost);
        }

        SetHealth(trace, now);
    }

    /// <summary>With a Blob or S3 output: Uploaded True while every closed file arrived, False (UploadFailed) naming the nodes and why once one did not.</summary>
    private static void SetUploaded(TraceObject trace, List<(string Node, NodeTraceStatus Report)> reports, DateTime now)
    {
        if (trace.Spec.OutputConfiguration is not { } o || (o.BlobUpload is null && o.S3Upload is null))
        {
            return;
        }

        var failures = reports.Sum(r => r.Report.UploadFailures ?? 0);
        var uploaded = reports.Sum(r => r.Report.UploadedFiles ?? 0);
        if (failures > 0)
        {
            var failing = reports.Where(r => r.Report.UploadFailures > 0).Take(5).Select(r => $"{r.Node}: {r.Report.Message}");
            Conditions.Set(trace.StatusConditions, TraceReasons.Uploaded, ConditionStatus.False, TraceReasons.UploadFailed,
                $"{failures} file(s) not uploaded ({uploaded} uploaded); " + string.Join("; ", failing), trace.Metadata.Generation, now);
        }
        else
        {
            Conditions.Set(trace.StatusConditions, TraceReasons.Uploaded, ConditionStatus.True, TraceReasons.AllFilesUploaded,
                $"{uploaded} file(s) uploaded; a file is uploaded when it rotates and the last one when the trace stops", trace.Metadata.Generation, now);
        }
    }

    /// <summary>With a PersistentVolumeClaim output: Copied True while the copies keep up, False naming the nodes when a copy failed or cannot start.</summary>
    private static void SetCopied(TraceObject trace, IReadOnlyCollection<string> nodes, Func<string, NodeRuntimeObject?> runtimeOf, string key,
        IReadOnlyDictionary<string, string>? pending, string? pendingReason, DateTime now)
    {
        if (trace.Spec.OutputConfiguration?.PersistentVolumeClaim is not { } claim)
        {
            return;
        }

        var assignments = nodes.Order(StringComparer.Ordinal)
            .Select(n => (Node: n, Assignment: runtimeOf(n)?.Spec?.Traces?.FirstOrDefault(a => a.Key == key)))
            .Where(x => x.Assignment is not null).ToList();
        var copied = assignments.Sum(x => x.Assignment!.CopiedFiles ?? 0);
        var generation = trace.Metadata.Generation;
        var failed = assignments.Where(x => x.Assignment!.CopyError is not null).ToList();
        if (failed.Count > 0)
        {
            Conditions.Set(trace.StatusConditions, TraceReasons.Copied, ConditionStatus.False, TraceReasons.CopyFailed,
                $"copying to PersistentVolumeClaim {claim} stopped on {failed.Count} node(s) ({copied} file(s) copied); "
                + string.Join("; ", failed.Take(5).Select(x => $"{x.Node}: {x.Assignment!.CopyError}")) + "; the files stay on the nodes", generation, now);
        }
        else if (pending is { Count: > 0 } && pendingReason is not null)
        {
            Conditions.Set(trace.StatusConditions, TraceReasons.Copied, ConditionStatus.False, pendingReason,
                string.Join("; ", pending.OrderBy(p => p.Key, StringComparer.Ordinal).Take(5).Select(p => $"{p.Key}: {p.Value}")), generation, now);
        }
        else
        {
            Conditions.Set(trace.StatusConditions, TraceReasons.Copied, ConditionStatus.True, TraceReasons.AllFilesCopied,
                $"{copied} file(s) copied to PersistentVolumeClaim {claim}; a file is copied when it rotates and the last one when the trace stops", generation, now);
        }
    }

    private static void MergeArtifacts(TraceSessionStatus status, IReadOnlyCollection<string> assignedNodes, Func<string, NodeRuntimeObject?> runtimeOf, string key)
    {
        var known = (status.Artifacts ?? []).Select(a => (a.Node, a.Location)).ToHashSet();
        foreach (var node in assignedNodes.Order(StringComparer.Ordinal))
        {
            var report = runtimeOf(node)?.Status?.Traces?.FirstOrDefault(t => t.Key == key);
            foreach (var a in report?.Artifacts ?? [])
            {
                if (known.Add((node, a.Location)) && (status.Artifacts?.Count ?? 0) < MaxArtifacts)
                {
                    (status.Artifacts ??= []).Add(new CaptureArtifact { Node = node, Output = a.Output, Location = a.Location, SizeBytes = a.SizeBytes, Sha256 = a.Sha256 });
                }
            }
        }
    }

    private static string Phase(List<TraceNodeStatus> nodes) => CapturePhase.OfNodes([.. nodes.Select(n => n.Phase)]);

    private static void Judge(TraceNodeStatus entry, NodeRuntimeObject? runtime, bool reported, DateTime? assignedAt, DateTime now, TimeSpan grace)
    {
        var verdict = NodeRuntimeHeartbeat.Judge(entry.Node, runtime, reported, assignedAt, now, grace, "the trace");
        switch (verdict.State)
        {
            case NodeRuntimeHeartbeat.Kind.Silent:
                entry.Phase = CapturePhase.Failed;
                entry.Reason = TraceReasons.NodeRuntimeSilent;
                entry.Message = verdict.Message;
                break;
            case NodeRuntimeHeartbeat.Kind.Waiting when entry.Phase == CapturePhase.Pending && !reported:
                entry.Reason = TraceReasons.WaitingForNodeRuntime;
                entry.Message = verdict.Message;
                break;
        }
    }
}
