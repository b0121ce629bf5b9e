using k8s.Models;
using Retina.Api.Capture;
using Retina.Kube.Client;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Capture;

/// <summary>
/// Delivers each finished node's tarball to the Capture's PersistentVolumeClaim with one <see cref="PvcCopyJob"/> per
/// node. An exclusive claim takes one copy Job at a time (<see cref="PvcCopyJob.ClaimUseAsync"/>), nodes in name order.
/// A copy whose pod cannot be scheduled is reported with the scheduler's own words; a reported path outside the node's
/// capture base is refused (node Failed, condition CopyPending with reason HostPathRefused) and never mounted.
/// </summary>
internal sealed class PvcCopyDelivery(IKubeClient client, string image, string captureBase)
{
    /// <summary>Per node, the copy's state; and, when some copy cannot progress, the condition reason and message.</summary>
    public sealed record Result(Dictionary<string, CaptureStatusAggregator.PvcCopy> Copies, string? PendingReason, string? PendingMessage);

    public async Task<Result> DeliverAsync(Api.Capture.Capture capture, IReadOnlyDictionary<string, NodeRuntimeObject?> runtimes, CancellationToken ct)
    {
        var copies = new Dictionary<string, CaptureStatusAggregator.PvcCopy>(StringComparer.Ordinal);
        if (capture.Spec.OutputConfiguration.PersistentVolumeClaim is not { } claim)
        {
            return new(copies, null, null);
        }

        var ns = capture.Metadata.NamespaceProperty;
        var key = CaptureAssignmentBuilder.Key(capture);
        var finished = runtimes.OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => (Node: r.Key, Source: Source(r.Value, key)))
            .Where(r => r.Source is not null)
            .ToList();
        if (finished.Count == 0)
        {
            return new(copies, null, null);
        }

        var use = await PvcCopyJob.ClaimUseAsync(client, claim, ns, ct).ConfigureAwait(false);
        var jobs = (await client.ListAsync<V1Job>(new ListOptions { Namespace = ns, LabelSelector = $"{PvcCopyJob.CaptureUidLabel}={capture.Metadata.Uid}" }, ct).ConfigureAwait(false)).Items;
        string? reason = null, message = null;
        foreach (var (node, source) in finished)
        {
            if (PvcCopyJob.SourceRefusal(source!, captureBase) is { } refused)
            {
                // Never mounted: a node reporting a path outside its capture base is refused, whatever it says.
                var why = $"copy refused: {refused}";
                copies[node] = new(CapturePhase.Failed, null, why);
                (reason, message) = (CaptureReasons.HostPathRefused, $"{node}: {why}");
                continue;
            }

            var name = PvcCopyJob.Name(capture, node);
            var job = jobs.FirstOrDefault(j => j.Metadata.Name == name);
            if (job is null && use.Busy is not null)
            {
                var why = PvcCopyJob.WaitingForClaim(claim, use);
                copies[node] = new(CapturePhase.Uploading, null, why);
                (reason, message) = (reason ?? CaptureReasons.WaitingForClaim, message ?? $"{node}: {why}");
                continue;
            }

            if (job is null)
            {
                var hostname = await PvcCopyJob.HostnameAsync(client, node, ct).ConfigureAwait(false);
                job = await client.CreateAsync(PvcCopyJob.Build(capture, node, hostname, source!, image), ct).ConfigureAwait(false);
                use = use.Exclusive && use.Busy is null ? use with { Busy = job } : use;
            }

            if (job.Status?.Succeeded > 0)
            {
                copies[node] = new(CapturePhase.Completed, $"pvc://{claim}/{Path.GetFileName(source)}", null);
            }
            else if (PvcCopyJob.Failure(job) is { } failed)
            {
                copies[node] = new(CapturePhase.Failed, null, $"copy Job {name} failed: {failed.Message}");
            }
            else if (await PvcCopyJob.UnschedulableAsync(client, job, ct).ConfigureAwait(false) is { } unschedulable)
            {
                var why = $"copy Job {name} cannot start: {unschedulable}";
                copies[node] = new(CapturePhase.Uploading, null, why);
                (reason, message) = (CaptureReasons.CopyUnschedulable, $"{node}: {why}");
            }
            else
            {
                copies[node] = new(CapturePhase.Uploading, null, $"copying to PersistentVolumeClaim {claim} (Job {name})");
            }
        }

        return new(copies, reason, message);
    }

    private static string? Source(NodeRuntimeObject? runtime, string key)
    {
        var report = runtime?.Status?.Captures?.FirstOrDefault(c => c.Key == key);
        return report?.Phase == CapturePhase.Completed ? report.Artifacts?.FirstOrDefault(a => a.Output == "hostPath")?.Location : null;
    }
}
