using System.Buffers;
using Retina.Api.Common;
using Retina.Api.NodeRuntime;
using Retina.Api.TraceSession;
using Retina.NodeRuntime.Enrichment;
using ApiArtifact = Retina.Api.Capture.CaptureArtifact;

namespace Retina.NodeRuntime.Trace;

/// <summary>
/// One trace on this node: it takes the node's events (<see cref="Offer"/>), keeps those its filter, sampling and
/// limits allow, names both ends from the enrichment cache, writes them as Hubble-shaped JSON lines and keeps the
/// summaries its status reports. Thread-safe: records arrive on the kernel pump's task, ticks and reports on others.
/// </summary>
public sealed class NodeTrace : IDisposable
{
    private const int MaxPendingDns = 10_000;
    private readonly Lock gate = new();
    private readonly NodeTraceAssignment assignment;
    private readonly EnrichmentCache cache;
    private readonly string node;
    private readonly TraceLimiter limiter;
    private readonly RotatingGzipFile? output;
    private readonly TraceUploader? uploader;
    private readonly TracePvcStage? pvc;
    private readonly string? directory;
    private readonly Dictionary<string, long> byKind = new(StringComparer.Ordinal);
    private readonly TraceTops drops = new();
    private readonly TraceTops dnsFailures = new();
    private readonly TraceTops talkers = new();
    private readonly Dictionary<(IpKey, ushort, ushort), DateTimeOffset> pendingDns = [];
    private readonly ArrayBufferWriter<byte> line = new(1024);
    private readonly DateTimeOffset? ends;
    private readonly string? restartNote;
    private readonly long ringLostAtStart;
    private readonly Dictionary<string, long> lostBefore;
    private string phase = "Running";
    private string reason = TraceReasons.Running;
    private string? message;
    private DateTimeOffset? completedAt;
    private long ringSeen;
    private long writerLost;

    public NodeTrace(NodeTraceAssignment assignment, TraceRunnerOptions options, EnrichmentCache cache, DateTimeOffset now, NodeTraceStatus? interrupted, long ringLost,
        Microsoft.Extensions.Logging.ILogger? log = null, Action? changed = null)
    {
        this.assignment = assignment;
        this.cache = cache;
        node = options.NodeName;
        StartedAt = interrupted?.StartTime is { } st ? new DateTimeOffset(DateTime.SpecifyKind(st, DateTimeKind.Utc)) : now;
        ringLostAtStart = ringLost;
        lostBefore = interrupted?.LostEventsByReason is { } l ? new(l, StringComparer.Ordinal) : new(StringComparer.Ordinal);
        limiter = new TraceLimiter(assignment.Sampling, assignment.MaxEvents, assignment.MaxEventsPerSecond);
        Filter = new TraceFilter(assignment.Events, assignment.PodIps, assignment.WholeNode == true, assignment.Filters, out var problem);
        if (assignment.Duration is { Length: > 0 } d)
        {
            if (GoDuration.TryParse(d, out var span) && span > TimeSpan.Zero)
            {
                var from = assignment.StartTime is { } s ? new DateTimeOffset(DateTime.SpecifyKind(s, DateTimeKind.Utc)) : StartedAt;
                ends = from + span;
            }
            else
            {
                problem ??= $"duration '{d}' is not a positive duration such as 5m";
            }
        }

        if (interrupted is not null)
        {
            limiter.Resume(interrupted.Events ?? 0);
            foreach (var (k, v) in interrupted.EventsByKind ?? [])
            {
                byKind[k] = v;
            }

            drops.Seed(interrupted.TopDropReasons);
            dnsFailures.Seed(interrupted.TopDnsFailures);
            talkers.Seed(interrupted.TopTalkers);
            restartNote = $"the node runtime restarted during the trace ({interrupted.Artifacts?.Count ?? 0} file(s) written before stay); it continues in a new file";
            reason = TraceReasons.RuntimeRestarted;
            message = restartNote;
        }

        if (problem is not null)
        {
            Finish("Failed", TraceReasons.InvalidAssignment, problem, now);
            return;
        }

        var (dir, outputProblem) = TraceOutput.Resolve(assignment, options.CaptureBaseDirectory);
        if (outputProblem is not null)
        {
            Finish("Failed", TraceReasons.HostPathOutsideBase, outputProblem, now);
            return;
        }

        directory = dir;
        if (dir is not null)
        {
            var max = (long)(assignment.MaxFileSizeMb ?? options.DefaultMaxFileSizeMb) * options.BytesPerMegabyte;
            output = new RotatingGzipFile(dir, TraceOutput.Safe(assignment.Name) + "-" + TraceOutput.Safe(node), max, assignment.FileCount, options.Time);
            if (assignment.PersistentVolumeClaim is { Length: > 0 } claim)
            {
                pvc = new TracePvcStage(claim, keepLocal: assignment.HostPath is { Length: > 0 });
                pvc.Update(assignment);
            }

            if (TraceUploader.Needed(assignment))
            {
                // A staged file waiting for its PVC copy stays after its upload: the copy sweeps it.
                uploader = new TraceUploader(assignment, options, keepLocal: assignment.HostPath is { Length: > 0 } || pvc is not null,
                    log ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, changed ?? (() => { }), interrupted?.Artifacts);
                output.Closed = uploader.Enqueue;
                output.Taken = uploader.WasDelivered;

                // Files a restarted runtime left behind that never reached the outputs go first.
                foreach (var f in interrupted is null ? [] : output.Files.Where(f => !uploader.WasDelivered(Path.GetFileName(f))))
                {
                    uploader.Enqueue(f);
                }
            }
        }

        if (interrupted?.Phase == "Uploading")
        {
            // It had finished tracing: only its uploads were left.
            Finish("Completed", interrupted.Reason ?? TraceReasons.Stopped, interrupted.Message ?? "finished before the node runtime restarted", now);
            return;
        }

        if (limiter.Full)
        {
            Finish("Completed", TraceReasons.MaxEventsReached, $"maxEvents {assignment.MaxEvents} reached", now);
        }
    }

    public string Key => assignment.Key;

    /// <summary>Its bit in the kernel's trace masks (<see cref="TraceSlots"/>): the kernel counts its ring-full losses under it.</summary>
    public int Slot { get; init; }

    public TraceFilter Filter { get; }

    public DateTimeOffset StartedAt { get; }

    public bool Running
    {
        get
        {
            lock (gate)
            {
                return phase == "Running";
            }
        }
    }

    /// <summary>
    /// The controller's latest assignment for this trace: its pods' addresses (pods that start later join, pods that
    /// went leave) and the PVC copy progress. Whether the addresses changed (the kernel's set follows).
    /// </summary>
    public bool Update(NodeTraceAssignment a)
    {
        // Staged files the controllers copied are deleted by the next Report's sweep.
        pvc?.Update(a);
        return assignment.WholeNode != true && Filter.SetPods(a.PodIps);
    }

    private void SweepStaged()
    {
        try
        {
            pvc?.Sweep(output!, name => uploader is null || uploader.WasDelivered(name));
        }
        catch (IOException)
        {
            // Left for the next pass; the file stays reported as on the node.
        }
    }

    /// <summary>One event of the node: kept, counted and written if this trace wants it.</summary>
    public void Offer(TraceRecord r)
    {
        if (!Filter.Matches(r))
        {
            return;
        }

        lock (gate)
        {
            if (phase != "Running")
            {
                return;
            }

            long? latency = null;
            if (r.Dns is { } dns)
            {
                latency = DnsLatency(r, dns);
            }

            switch (limiter.Decide(r.Time))
            {
                case TraceLimiter.Verdict.Write:
                    break;
                case TraceLimiter.Verdict.LimitReached:
                    Finish("Completed", TraceReasons.MaxEventsReached, $"maxEvents {assignment.MaxEvents} reached", r.Time);
                    return;
                default:
                    return;
            }

            var source = cache.Lookup(r.Source);
            var destination = cache.Lookup(r.Destination);
            byKind[r.Kind] = byKind.GetValueOrDefault(r.Kind) + 1;
            Summarise(r, source, destination);
            if (output is not null)
            {
                line.ResetWrittenCount();
                FlowJsonLine.Write(line, r, source, destination, node, latency, cache.LabelsOf);
                try
                {
                    output.Write(line.WrittenSpan);
                }
                catch (IOException e)
                {
                    Finish("Failed", TraceReasons.OutputFailed, "writing the trace file failed: " + e.Message, r.Time);
                    return;
                }
            }

            if (limiter.Full)
            {
                Finish("Completed", TraceReasons.MaxEventsReached, $"maxEvents {assignment.MaxEvents} reached", r.Time);
            }
        }
    }

    private long? DnsLatency(TraceRecord r, Plugins.Dns.DnsMessage dns)
    {
        if (!dns.IsResponse)
        {
            if (pendingDns.Count < MaxPendingDns)
            {
                pendingDns[(r.Source, r.SourcePort, dns.Id)] = r.Time;
            }

            return null;
        }

        return pendingDns.Remove((r.Destination, r.DestinationPort, dns.Id), out var asked) ? (long)((r.Time - asked).TotalMilliseconds * 1_000_000) : null;
    }

    private void Summarise(TraceRecord r, PodInfo? source, PodInfo? destination)
    {
        var pods = new[] { source, destination }.Where(p => p is not null).Select(p => p!.Key).ToArray();
        var involved = pods.Length > 0 ? pods : [FlowJsonLine.Unknown];
        switch (r.Kind)
        {
            case TraceEventKinds.Drop or TraceEventKinds.SockError or TraceEventKinds.NfQueue:
                drops.Add(r.DropReason ?? "UNKNOWN", involved);
                break;
            case TraceEventKinds.Dns when r.Dns is { IsResponse: true, Rcode: not 0 } d:
                var query = d.QueryName.EndsWith('.') ? d.QueryName : d.QueryName + ".";
                dnsFailures.Add($"{query} {d.RcodeName.ToUpperInvariant()}", FlowJsonLine.PodName(destination));
                break;
            case TraceEventKinds.Connect:
                var from = source?.Key ?? r.Source.ToString();
                var to = destination?.Key ?? r.Destination.ToString();
                talkers.Add($"{from} -> {to}:{r.DestinationPort}/{r.ProtocolName}", involved);
                break;
        }
    }

    /// <summary>Flushes what was written (a complete gzip member) and ends the trace when its duration passed.</summary>
    public void Tick(DateTimeOffset now)
    {
        lock (gate)
        {
            Flush();
            if (phase == "Running" && ends is { } e && now >= e)
            {
                Finish("Completed", TraceReasons.DurationElapsed, $"duration {assignment.Duration} elapsed", now);
            }
        }
    }

    /// <summary>The controller stopped it.</summary>
    public void Stop(DateTimeOffset now)
    {
        lock (gate)
        {
            if (phase == "Running")
            {
                Finish("Completed", TraceReasons.Stopped, "stopped by the controller", now);
            }
        }
    }

    private void Flush()
    {
        try
        {
            output?.Flush();
        }
        catch (IOException e) when (phase == "Running")
        {
            Finish("Failed", TraceReasons.OutputFailed, "writing the trace file failed: " + e.Message, DateTimeOffset.UtcNow);
        }
    }

    private void Finish(string newPhase, string newReason, string text, DateTimeOffset at)
    {
        phase = newPhase;
        reason = newReason;
        message = restartNote is null ? text : text + "; " + restartNote;
        completedAt = at;
        try
        {
            output?.Dispose();
        }
        catch (IOException)
        {
            // Reported below through the files that exist.
        }
    }

    /// <summary>
    /// A record of the node's the writer had no room for: counted as this trace's WriterBehind loss when it may have
    /// been this trace's (its kinds, its pods), so a trace is not charged with another trace's overload.
    /// </summary>
    public void OfferLost(IReadOnlyList<string> kinds, IpKey source, IpKey destination)
    {
        if (phase == "Running" && Filter.MayMatch(kinds, source, destination))
        {
            Interlocked.Increment(ref writerLost);
        }
    }

    /// <param name="ringLost">
    /// The kernel's ring-full count of this trace's <see cref="Slot"/> (records of its addresses, or of any address for a
    /// whole-node trace, that found no room), the same counter it was constructed with; read only while it runs.
    /// </param>
    public NodeTraceStatus Report(long ringLost)
    {
        lock (gate)
        {
            if (phase == "Running")
            {
                // The slot's counter outlives traces: a trace reports what was added while it ran (plus, after a restart, lostBefore).
                ringSeen = ringLost - ringLostAtStart;
            }

            var lost = new Dictionary<string, long>(lostBefore, StringComparer.Ordinal);
            lost[TraceReasons.RingBufferFull] = lost.GetValueOrDefault(TraceReasons.RingBufferFull) + ringSeen;
            lost[TraceReasons.WriterBehind] = lost.GetValueOrDefault(TraceReasons.WriterBehind) + Interlocked.Read(ref writerLost);
            lost[TraceReasons.RateLimited] = lost.GetValueOrDefault(TraceReasons.RateLimited) + limiter.RateLimited;
            var local = assignment.HostPath is { Length: > 0 } ? output?.Files ?? [] : [];
            if (pvc is not null)
            {
                SweepStaged();
            }

            var closed = pvc is null || output is null ? null : pvc.Pending(output, 64);
            var (shownPhase, shownReason, shownMessage) = WithCopies(WithUploads(message ?? (directory is null ? "running; no output set: only this summary is kept"
                : uploader is null && pvc is null ? $"running; writing {directory}" : $"running; staging files in {directory}, each delivered when it closes")), closed?.Count ?? 0);
            return new NodeTraceStatus
            {
                Key = assignment.Key,
                Phase = shownPhase,
                Reason = shownReason,
                Message = shownMessage,
                UploadedFiles = uploader?.Uploaded,
                UploadFailures = uploader?.Failed,
                StartTime = StartedAt.UtcDateTime,
                CompletionTime = completedAt?.UtcDateTime,
                Events = limiter.Written,
                EventsByKind = byKind.Count > 0 ? new(byKind, StringComparer.Ordinal) : null,
                LostEventsByReason = lost,
                ClosedFiles = closed is { Count: > 0 } ? closed : null,
                Bytes = output?.Bytes ?? 0,
                TopDropReasons = drops.Top(),
                TopDnsFailures = dnsFailures.Top(),
                TopTalkers = talkers.Top(),
                Artifacts = Artifacts(local),
            };
        }
    }

    private List<ApiArtifact>? Artifacts(IReadOnlyList<string> local)
    {
        var all = local.TakeLast(64).Select(f => new ApiArtifact
        {
            Node = node,
            Output = "hostPath",
            Location = f,
            SizeBytes = File.Exists(f) ? new FileInfo(f).Length : null,
        }).Concat(uploader?.Delivered ?? []).ToList();
        return all.Count == 0 ? null : all.TakeLast(64).ToList();
    }

    /// <summary>
    /// The phase as uploads shape it: a finished trace is Uploading while files wait, then Failed (UploadFailed) when a
    /// file did not reach its outputs; a running one keeps running and says what failed.
    /// </summary>
    private (string Phase, string Reason, string Message) WithUploads(string text)
    {
        if (uploader is null)
        {
            return (phase, reason, text);
        }

        var failures = uploader.Failed;
        var failure = failures == 0 ? "" : $"; {failures} file(s) not uploaded, kept on the node in {directory}: {uploader.LastError}";
        if (phase == "Running")
        {
            return (phase, failures == 0 ? reason : TraceReasons.UploadFailed, text + failure);
        }

        if (uploader.Pending > 0)
        {
            return ("Uploading", reason, $"{text}; uploading {uploader.Pending} file(s)" + failure);
        }

        return failures > 0 ? ("Failed", TraceReasons.UploadFailed, text + failure) : (phase, reason, text);
    }

    /// <summary>
    /// The phase as PVC copies shape it: a finished trace is Uploading while closed files wait for the controllers'
    /// copy Job, Failed (CopyFailed) when copying stopped; files the rotation deleted before their copy are said.
    /// </summary>
    private (string Phase, string Reason, string Message) WithCopies((string Phase, string Reason, string Message) shown, int waiting)
    {
        if (pvc is null || output is null)
        {
            return shown;
        }

        var (p, r, m) = shown;
        var missed = pvc.Missed(output);
        if (missed > 0)
        {
            m += $"; {missed} file(s) were deleted by the fileCount rotation before they were copied to PersistentVolumeClaim {pvc.Claim}";
        }

        if (pvc.CopyError is { } error)
        {
            m += $"; copying to PersistentVolumeClaim {pvc.Claim} stopped: {error}; files stay on the node in {directory}";
            return p is "Running" or "Failed" ? (p, p == "Running" ? TraceReasons.CopyFailed : r, m) : ("Failed", TraceReasons.CopyFailed, m);
        }

        return waiting > 0 && p == "Completed" ? ("Uploading", r, $"{m}; waiting for {waiting} file(s) to be copied to PersistentVolumeClaim {pvc.Claim}") : (p, r, m);
    }

    public void Dispose()
    {
        lock (gate)
        {
            output?.Dispose();
        }

        uploader?.Dispose();
    }
}
