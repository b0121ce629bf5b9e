using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.NodeRuntime;
using Retina.Api.TraceSession;
using Retina.Controllers.Capture;
using Retina.Controllers.NodeRuntime;
using Retina.Kube.Client;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;
using TraceObject = Retina.Api.TraceSession.TraceSession;

namespace Retina.Controllers.TraceSession;

/// <summary>
/// Delivers a TraceSession's closed files to its PersistentVolumeClaim. A node cannot mount a claim, so it reports the
/// closed files not yet copied (status.closedFiles, oldest first); for each node this runs one copy Job at a time
/// (<see cref="PvcCopyJob"/>: locked down, scheduled onto the node, at most <see cref="MaxFilesPerJob"/> files) and,
/// when it succeeded, writes the newest file copied back on the node's assignment (copiedThrough, copiedFiles), after
/// which the node stops reporting those files and deletes staged ones. Continuous traces are copied as they rotate.
/// The captures' rules hold: a ReadWriteOnce claim gets one copy Job at a time across the namespace's Captures and
/// TraceSessions, a reported path outside the capture base is refused and never mounted, an unschedulable copy says
/// the scheduler's words. A Job that failed for good (after its retries) stops copying from that node
/// (assignment copyError); the node's files stay where they are and its report says so.
/// </summary>
internal sealed class TracePvcCopies(IKubeClient client, NodeAssignments<NodeTraceAssignment> assignments, string image, string captureBase)
{
    public const int MaxFilesPerJob = 16;

    /// <summary>Per node, what holds its copies up (waiting for the claim, unschedulable); empty when nothing does.</summary>
    public sealed record Result(Dictionary<string, string> Pending, string? PendingReason);

    public async Task<Result> DeliverAsync(TraceObject trace, IReadOnlyDictionary<string, NodeRuntimeObject?> runtimes, CancellationToken ct)
    {
        var pending = new Dictionary<string, string>(StringComparer.Ordinal);
        if (trace.Spec.OutputConfiguration?.PersistentVolumeClaim is not { } claim)
        {
            return new(pending, null);
        }

        var key = TraceAssignmentBuilder.Key(trace);
        var work = runtimes.OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => (Node: r.Key, Assignment: r.Value?.Spec.Traces?.FirstOrDefault(a => a.Key == key), Report: r.Value?.Status?.Traces?.FirstOrDefault(t => t.Key == key)))
            .Where(w => w.Assignment is { CopyError: null })
            .ToList();
        if (work.Count == 0)
        {
            return new(pending, null);
        }

        var ns = trace.Metadata.NamespaceProperty;
        var owner = new PvcCopyJob.Owner(TraceObject.KindName, trace.Metadata.Name, ns, trace.Metadata.Uid, PvcCopyJob.TraceUidLabel, claim);
        var ours = (await client.ListAsync<V1Job>(new ListOptions { Namespace = ns, LabelSelector = $"{PvcCopyJob.TraceUidLabel}={trace.Metadata.Uid}" }, ct).ConfigureAwait(false)).Items;
        string? reason = null;
        PvcCopyJob.ClaimUse? use = null;
        foreach (var (node, assignment, report) in work)
        {
            var jobs = ours.Where(j => (j.Metadata.Labels is { } l && l.TryGetValue(PvcCopyJob.NodeHashLabel, out var h) ? h : null) == PvcCopyJob.Hash(node)).ToList();
            var settled = await SettleAsync(node, key, assignment!, jobs, ct).ConfigureAwait(false);
            if (settled.Active is { } active)
            {
                if (await PvcCopyJob.UnschedulableAsync(client, active, ct).ConfigureAwait(false) is { } unschedulable)
                {
                    pending[node] = $"copy Job {active.Metadata.Name} cannot start: {unschedulable}";
                    reason = CaptureReasons.CopyUnschedulable;
                }

                continue;
            }

            var files = (report?.ClosedFiles ?? [])
                .Where(f => settled.Through is not { } through || TraceFileNames.Compare(Path.GetFileName(f), through) > 0)
                .Take(MaxFilesPerJob).ToList();
            if (files.Count == 0 || settled.Stopped)
            {
                continue;
            }

            if (Refusal(files) is { } refused)
            {
                await assignments.ChangeAsync(node, key, a => a is null ? null : TraceAssignmentBuilder.WithCopyError(a, $"copy refused: {refused}"), ct).ConfigureAwait(false);
                continue;
            }

            // Read once a node has files to copy, then kept current with the Jobs this pass creates (as the captures do).
            use ??= await PvcCopyJob.ClaimUseAsync(client, claim, ns, ct).ConfigureAwait(false);
            if (use.Busy is not null)
            {
                pending[node] = PvcCopyJob.WaitingForClaim(claim, use);
                reason ??= CaptureReasons.WaitingForClaim;
                continue;
            }

            var names = files.Select(Path.GetFileName).ToList();
            var name = $"retina-tcopy-{trace.Metadata.Uid[..8]}-{PvcCopyJob.Hash(node)[..8]}-{PvcCopyJob.Hash(names[0]!)[..8]}";
            var hostname = await PvcCopyJob.HostnameAsync(client, node, ct).ConfigureAwait(false);
            var job = await client.CreateAsync(PvcCopyJob.Build(owner, name, node, hostname, Path.GetDirectoryName(files[0])!, names!, image), ct).ConfigureAwait(false);
            use = use.Exclusive ? use with { Busy = job } : use;
        }

        return new(pending, reason);
    }

    /// <summary>
    /// Applies the node's finished copy Jobs to its assignment (newest file copied, count; or the failure that stops
    /// copying) and returns the one still running, the newest file copied, and whether copying stopped.
    /// </summary>
    private async Task<(V1Job? Active, string? Through, bool Stopped)> SettleAsync(string node, string key, NodeTraceAssignment assignment, List<V1Job> jobs, CancellationToken ct)
    {
        var through = assignment.CopiedThrough;
        foreach (var job in jobs.Where(j => j.Status?.Succeeded > 0).OrderBy(j => LastFile(j) ?? "", Comparer<string>.Create(TraceFileNames.Compare)))
        {
            var copied = Files(job);
            if (copied.Count == 0 || (through is not null && TraceFileNames.Compare(copied[^1], through) <= 0))
            {
                continue;
            }

            await assignments.ChangeAsync(node, key, a => a is null ? null : TraceAssignmentBuilder.WithCopied(a, copied), ct).ConfigureAwait(false);
            through = copied[^1];
        }

        if (jobs.Select(j => (Job: j, Why: PvcCopyJob.Failure(j))).FirstOrDefault(f => f.Why is not null) is { Job: { } failed, Why: { } why })
        {
            await assignments.ChangeAsync(node, key, a => a is null ? null
                : TraceAssignmentBuilder.WithCopyError(a, $"copy Job {failed.Metadata.Name} failed ({why.Reason}): {why.Message}"), ct).ConfigureAwait(false);
            return (null, through, true);
        }

        return (jobs.FirstOrDefault(j => !PvcCopyJob.IsFinished(j)), through, false);
    }

    private static List<string> Files(V1Job job) =>
        job.Metadata.Annotations is { } a && a.TryGetValue(PvcCopyJob.FilesAnnotation, out var files) ? [.. files.Split('\n', StringSplitOptions.RemoveEmptyEntries)] : [];

    private static string? LastFile(V1Job job) => Files(job).LastOrDefault();

    /// <summary>Why these reported paths must not be mounted: one outside the capture base, or not all in one directory.</summary>
    private string? Refusal(List<string> files)
    {
        if (files.Select(f => PvcCopyJob.SourceRefusal(f, captureBase)).FirstOrDefault(r => r is not null) is { } refused)
        {
            return refused;
        }

        return files.Select(Path.GetDirectoryName).Distinct(StringComparer.Ordinal).Count() > 1 ? "the reported files are not in one directory" : null;
    }
}
