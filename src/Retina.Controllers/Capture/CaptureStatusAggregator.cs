using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Api.NodeRuntime;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Capture;

/// <summary>Folds each node's report into the Capture's status: per-node entries, counts, phase, Retina's conditions. Pure.</summary>
public static class CaptureStatusAggregator
{
    /// <summary>How long a node runtime may stay silent before its unfinished captures count as failed.</summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The copy Job's view of a node's delivery to a PersistentVolumeClaim.</summary>
    public sealed record PvcCopy(string Phase, string? Location, string? Message);

    public static void Apply(Api.Capture.Capture capture, IReadOnlyCollection<string> assignedNodes, Func<string, NodeRuntimeObject?> runtimeOf, DateTime now,
        Func<string, PvcCopy?>? pvcCopyOf = null)
    {
        var status = capture.Status ??= new CaptureStatus();
        var key = CaptureAssignmentBuilder.Key(capture);
        var previous = (status.Nodes ?? []).ToDictionary(n => n.Node, StringComparer.Ordinal);
        var nodes = new List<CaptureNodeStatus>();
        foreach (var node in assignedNodes.Order(StringComparer.Ordinal))
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
                    Message = report.Message,
                };
            if (entry.Phase == CapturePhase.Completed && pvcCopyOf?.Invoke(node) is { } copy)
            {
                // The node is done capturing; the tarball still has to reach the PersistentVolumeClaim.
                entry.Phase = copy.Phase;
                entry.Message = copy.Message ?? entry.Message;
                if (copy.Location is not null)
                {
                    status.Artifacts ??= [];
                    if (!status.Artifacts.Any(a => a.Node == node && a.Location == copy.Location))
                    {
                        status.Artifacts.Add(new CaptureArtifact { Node = node, Output = "persistentVolumeClaim", Location = copy.Location });
                    }
                }
            }

            if (!CapturePhase.IsFinished(entry.Phase) && IsSilent(runtime, now))
            {
                entry.Phase = CapturePhase.Failed;
                entry.Message = runtime?.Status?.HeartbeatTime is { } hb
                    ? $"node runtime on {node} stopped reporting (last heartbeat {hb:u})"
                    : $"no node runtime reports for {node}";
            }

            nodes.Add(entry);
            if (report?.Artifacts is { } artifacts)
            {
                status.Artifacts ??= [];
                foreach (var a in artifacts.Where(a => !status.Artifacts.Any(x => x.Node == node && x.Location == a.Location)))
                {
                    status.Artifacts.Add(new CaptureArtifact { Node = node, Output = a.Output, Location = a.Location, SizeBytes = a.SizeBytes, Sha256 = a.Sha256 });
                }
            }
        }

        status.Nodes = nodes;
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
        else if (status.Phase == CapturePhase.Failed)
        {
            var failed = nodes.Where(n => n.Phase == CapturePhase.Failed).ToList();
            Conditions.Set(capture.StatusConditions, CaptureReasons.Error, ConditionStatus.True, CaptureReasons.NodesFailed,
                string.Join("; ", failed.Take(5).Select(n => $"{n.Node}: {n.Message}")) + (failed.Count > 5 ? $"; and {failed.Count - 5} more" : ""),
                generation, now);
        }
    }

    private static string Phase(List<CaptureNodeStatus> nodes)
    {
        if (nodes.Count == 0)
        {
            return CapturePhase.Pending;
        }

        if (nodes.All(n => CapturePhase.IsFinished(n.Phase)))
        {
            return nodes.Any(n => n.Phase == CapturePhase.Failed) ? CapturePhase.Failed : CapturePhase.Completed;
        }

        return nodes.Any(n => n.Phase == CapturePhase.Running) ? CapturePhase.Running
            : nodes.Any(n => n.Phase == CapturePhase.Uploading) ? CapturePhase.Uploading
            : CapturePhase.Pending;
    }

    private static bool IsSilent(NodeRuntimeObject? runtime, DateTime now) =>
        runtime?.Status?.HeartbeatTime is { } heartbeat && now - heartbeat > HeartbeatTimeout;
}
