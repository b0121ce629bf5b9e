using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Api.NodeRuntime;
using Retina.Controllers.NodeRuntime;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Capture;

/// <summary>Folds each node's report into the Capture's status: per-node entries, counts, phase, Retina's conditions. Pure.</summary>
public static class CaptureStatusAggregator
{
    /// <summary>How long a node runtime may stay silent before its unfinished captures count as failed.</summary>
    public static readonly TimeSpan HeartbeatTimeout = NodeRuntimeHeartbeat.Timeout;

    /// <summary>The copy Job's view of a node's delivery to a PersistentVolumeClaim.</summary>
    public sealed record PvcCopy(string Phase, string? Location, string? Message);

    /// <summary>Default of <c>NodeRuntimeGrace</c>: how long a runtime that has not reported since the assignment is waited for.</summary>
    public static readonly TimeSpan DefaultNodeRuntimeGrace = TimeSpan.FromMinutes(2);

    public static void Apply(Api.Capture.Capture capture, IReadOnlyCollection<string> assignedNodes, Func<string, NodeRuntimeObject?> runtimeOf, DateTime now,
        Func<string, PvcCopy?>? pvcCopyOf = null, IReadOnlyCollection<string>? queuedNodes = null, TimeSpan? nodeRuntimeGrace = null)
    {
        var grace = nodeRuntimeGrace ?? DefaultNodeRuntimeGrace;
        var status = capture.Status ??= new CaptureStatus();
        var key = CaptureAssignmentBuilder.Key(capture);
        var previous = (status.Nodes ?? []).ToDictionary(n => n.Node, StringComparer.Ordinal);
        var queued = queuedNodes?.ToHashSet(StringComparer.Ordinal) ?? [];
        var nodes = new List<CaptureNodeStatus>();
        var artifactCount = new Dictionary<(string Node, string Location), bool>();
        foreach (var a in status.Artifacts ?? [])
        {
            artifactCount[(a.Node, a.Location)] = true;
        }

        void AddArtifact(CaptureArtifact artifact)
        {
            if (!artifactCount.TryAdd((artifact.Node, artifact.Location), true))
            {
                return;
            }

            status.Artifacts ??= [];
            if (status.Artifacts.Count < CaptureStatus.MaxArtifacts)
            {
                status.Artifacts.Add(artifact);
            }
        }

        foreach (var node in queued.Order(StringComparer.Ordinal))
        {
            nodes.Add(new CaptureNodeStatus
            {
                Node = node,
                Phase = CapturePhase.Pending,
                Message = $"queued: {node} already runs {NodeRuntimeSpec.MaxCaptures} captures (the cap of its NodeRuntime spec.captures); starts when one ends",
            });
        }

        foreach (var node in assignedNodes.Where(n => !queued.Contains(n)).Order(StringComparer.Ordinal))
        {
            var runtime = runtimeOf(node);
            var report = runtime?.Status?.Captures?.FirstOrDefault(c => c.Key == key);
            var entry = report is null
                ? previous.GetValueOrDefault(node) ?? new CaptureNodeStatus { Node = node, Phase = CapturePhase.Pending }
                : new CaptureNodeStatus
                {
                    Node = node,
                    Phase = report.Phase ?? CapturePhase.Pending,
                    Packets = report.Packets,
                    Bytes = report.Bytes,
                    KernelDrops = report.KernelDrops,
                    Artifact = report.Artifacts?.FirstOrDefault()?.Location,
                    Reason = report.Reason,
                    Message = report.Message,
                };
            if (entry.Phase == CapturePhase.Completed && pvcCopyOf?.Invoke(node) is { } copy)
            {
                // The node is done capturing; the tarball still has to reach the PersistentVolumeClaim.
                entry.Phase = copy.Phase;
                entry.Message = copy.Message ?? entry.Message;
                if (copy.Location is not null)
                {
                    AddArtifact(new CaptureArtifact { Node = node, Output = "persistentVolumeClaim", Location = copy.Location });
                }
            }

            if (!CapturePhase.IsFinished(entry.Phase))
            {
                JudgeHeartbeat(entry, runtime, report is not null, AssignedAt(runtime, key) ?? status.StartTime, now, grace);
            }

            nodes.Add(entry);
            foreach (var a in report?.Artifacts ?? [])
            {
                AddArtifact(new CaptureArtifact { Node = node, Output = a.Output, Location = a.Location, SizeBytes = a.SizeBytes, Sha256 = a.Sha256 });
            }
        }

        nodes.Sort((a, b) => string.CompareOrdinal(a.Node, b.Node));
        status.Nodes = nodes.Count > CaptureStatus.MaxNodes ? nodes.Take(CaptureStatus.MaxNodes).ToList() : nodes;
        // Distinct artifacts known now; never less than before, as a node may drop a report whose artifact was never listed.
        var totalArtifacts = Math.Max(status.TotalArtifacts ?? 0, artifactCount.Count);
        status.TotalArtifacts = status.Artifacts is null ? null : totalArtifacts;
        var generation0 = capture.Metadata.Generation;
        SetCapConditions(capture, nodes.Count, totalArtifacts, queued, now, generation0);
        status.TotalNodes = nodes.Count;
        status.Active = nodes.Count(n => !CapturePhase.IsFinished(n.Phase));
        status.Succeeded = nodes.Count(n => n.Phase == CapturePhase.Completed);
        status.Failed = nodes.Count(n => n.Phase == CapturePhase.Failed);
        status.Phase = Phase(nodes);
        var generation = capture.Metadata.Generation;
        if (status.Phase == CapturePhase.Completed)
        {
            status.CompletionTime ??= now;
            Conditions.Set(capture.StatusConditions, CaptureReasons.Complete, ConditionStatus.True, CaptureReasons.AllNodesCompleted,
                $"{status.Succeeded} node(s) captured and delivered", generation, now);
        }
        else if (status.Phase != CapturePhase.Failed)
        {
            var finished = status.Succeeded + status.Failed;
            Conditions.Set(capture.StatusConditions, CaptureReasons.Complete, ConditionStatus.False, CaptureReasons.InProgress,
                $"{finished}/{nodes.Count} nodes finished ({status.Phase})", generation, now);
        }
        else
        {
            var failed = nodes.Where(n => n.Phase == CapturePhase.Failed).ToList();
            Conditions.Set(capture.StatusConditions, CaptureReasons.Error, ConditionStatus.True, CaptureReasons.NodesFailed,
                string.Join("; ", failed.Take(5).Select(n => $"{n.Node}: {n.Message}")) + (failed.Count > 5 ? $"; and {failed.Count - 5} more" : ""),
                generation, now);
        }

        SetHealth(capture, now);
    }

    /// <summary>
    /// The kstatus conditions from the phase, as for a Job: Ready=True once Completed, Stalled once Failed
    /// (with Retina's error reason), Reconciling while Pending, Running or Uploading. Returns true when anything changed.
    /// </summary>
    public static bool SetHealth(Api.Capture.Capture capture, DateTime now)
    {
        var status = capture.Status ??= new CaptureStatus();
        var generation = capture.Metadata.Generation;
        var error = Conditions.Find(status.Conditions, CaptureReasons.Error) is { Status: ConditionStatus.True } e ? e : null;
        if (status.Phase == CapturePhase.Failed)
        {
            return HealthConditions.Failed(capture.StatusConditions, error?.Reason ?? CaptureReasons.NodesFailed,
                error?.Message ?? $"{status.Failed ?? 0} node(s) failed", generation, now);
        }

        if (status.Phase == CapturePhase.Completed)
        {
            return HealthConditions.Current(capture.StatusConditions, CaptureReasons.AllNodesCompleted,
                $"{status.Succeeded ?? 0} node(s) captured and delivered", generation, now);
        }

        var phase = status.Phase ?? CapturePhase.Pending;
        return error is not null
            ? HealthConditions.InProgress(capture.StatusConditions, error.Reason, error.Message ?? phase, generation, now)
            : HealthConditions.InProgress(capture.StatusConditions, phase,
                $"capture is {phase}: {status.Active ?? 0} of {status.TotalNodes ?? 0} node(s) unfinished", generation, now);
    }

    /// <summary>Queued nodes and lists cut at their schema cap, each shown by a condition naming the cap.</summary>
    private static void SetCapConditions(Api.Capture.Capture capture, int nodeCount, int artifactCount, HashSet<string> queued, DateTime now, long? generation)
    {
        if (queued.Count > 0)
        {
            var shown = queued.Order(StringComparer.Ordinal).Take(5).ToList();
            Conditions.Set(capture.StatusConditions, CaptureReasons.Queued, ConditionStatus.True, CaptureReasons.NodeCaptureCapReached,
                $"waiting on {queued.Count} node(s) that already run {NodeRuntimeSpec.MaxCaptures} captures (NodeRuntime spec.captures cap): {string.Join(", ", shown)}{(queued.Count > shown.Count ? ", …" : "")}",
                generation, now);
        }
        else
        {
            Conditions.Remove(capture.StatusConditions, CaptureReasons.Queued);
        }

        var cut = new List<string>();
        if (nodeCount > CaptureStatus.MaxNodes)
        {
            cut.Add($"status.nodes lists the first {CaptureStatus.MaxNodes} of {nodeCount} nodes by name (totalNodes and the counts cover all)");
        }

        if (artifactCount > CaptureStatus.MaxArtifacts)
        {
            cut.Add($"status.artifacts lists the first {CaptureStatus.MaxArtifacts} of {artifactCount} artifacts (totalArtifacts counts all)");
        }

        if (cut.Count > 0)
        {
            Conditions.Set(capture.StatusConditions, CaptureReasons.ListsTruncated, ConditionStatus.True,
                nodeCount > CaptureStatus.MaxNodes ? CaptureReasons.NodesListCapReached : CaptureReasons.ArtifactsListCapReached,
                string.Join("; ", cut), generation, now);
        }
        else
        {
            Conditions.Remove(capture.StatusConditions, CaptureReasons.ListsTruncated);
        }
    }

    private static string Phase(List<CaptureNodeStatus> nodes) => CapturePhase.OfNodes([.. nodes.Select(n => n.Phase)]);

    /// <summary>The node's heartbeat verdict (<see cref="NodeRuntimeHeartbeat"/>) written onto its entry.</summary>
    private static void JudgeHeartbeat(CaptureNodeStatus entry, NodeRuntimeObject? runtime, bool reported, DateTime? assignedAt, DateTime now, TimeSpan grace)
    {
        var verdict = NodeRuntimeHeartbeat.Judge(entry.Node, runtime, reported, assignedAt, now, grace, "the capture");
        switch (verdict.State)
        {
            case NodeRuntimeHeartbeat.Kind.Silent:
                entry.Phase = CapturePhase.Failed;
                entry.Reason = CaptureReasons.NodeRuntimeSilent;
                entry.Message = verdict.Message;
                break;
            case NodeRuntimeHeartbeat.Kind.Waiting when entry.Phase == CapturePhase.Pending && entry.Packets is null:
                entry.Reason = CaptureReasons.WaitingForNodeRuntime;
                entry.Message = verdict.Message;
                break;
        }
    }

    private static DateTime? AssignedAt(NodeRuntimeObject? runtime, string key) =>
        runtime?.Spec?.Captures?.FirstOrDefault(a => a.Key == key)?.AssignedAt;
}
