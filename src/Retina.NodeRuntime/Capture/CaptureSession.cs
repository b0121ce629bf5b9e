using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Retina.Native.Packet;

namespace Retina.NodeRuntime.Capture;

/// <summary>
/// A running capture on this node: live counters while it runs, <see cref="StopAsync"/> to end it early, and
/// <see cref="Completion"/> with the final <see cref="CaptureResult"/> once the artifact is packaged and delivered.
/// </summary>
public sealed class CaptureSession : IAsyncDisposable
{
    private const int PollMilliseconds = 50;
    private readonly CaptureRequest request;
    private readonly IReadOnlyList<CaptureInterface> interfaces;
    private readonly IReadOnlyList<PacketRing> rings;
    private readonly IReadOnlyList<string> notes;
    private readonly CaptureEngineOptions options;
    private readonly ILogger log;
    private readonly TimeProvider time;
    private readonly SecretRedactor redactor;
    private readonly Lock writeGate = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly CancellationTokenSource lifetime = new();
    private readonly TaskCompletionSource<CaptureResult> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string workDirectory = "";
    private readonly string baseName = "";
    private CaptureFileWriter? writer;
    private volatile bool accepting = true;
    private (CapturePhase Phase, string Reason, string Message)? stopCause;
    private long packets;
    private long wireBytes;
    private long fileBytes;
    private long outputFailures;
    private DateTimeOffset? firstPacketAt;
    private DateTimeOffset? stoppedAt;
    private long preTriggerWritten;
    private long lastRecordedNs;
    private long firstLiveNs;
    private SeamMatcher? seam;

    internal CaptureSession(
        CaptureRequest request, string filter, IReadOnlyList<CaptureInterface> interfaces, IReadOnlyList<PacketRing> rings, IReadOnlyList<string> notes,
        CaptureEngineOptions options, ILogger log, TimeProvider time, SecretRedactor redactor, DateTimeOffset startedAt)
    {
        this.request = request;
        Filter = filter;
        this.interfaces = interfaces;
        this.rings = rings;
        this.notes = notes;
        this.options = options;
        this.log = log;
        this.time = time;
        this.redactor = redactor;
        StartedAt = startedAt;
        if (rings.Count > 0)
        {
            // The Capture's start time (the same on every node, as in Retina) names the artifact; a bare session uses its own.
            baseName = ArtifactBaseName(request, request.ArtifactTime ?? startedAt);
            workDirectory = Path.Combine(options.WorkDirectory, baseName);
        }
    }

    public string Filter { get; }

    /// <summary>Flight-recorder packets written before the live ones.</summary>
    internal IReadOnlyList<RecordedPacket> PreTrigger { get; init; } = [];

    /// <summary>Live packets stamped before this were already taken from the flight recorder (0: no cut-off).</summary>
    internal long LiveCutoffNanoseconds { get; init; }

    public DateTimeOffset StartedAt { get; }

    public IReadOnlyList<CaptureInterface> Interfaces => interfaces;

    public CapturePhase Phase { get; private set; } = CapturePhase.Running;

    /// <summary>Upload attempts that failed and were (or will be) retried, over all outputs.</summary>
    public long OutputAttemptFailures => Interlocked.Read(ref outputFailures);

    public Task<CaptureResult> Completion => completion.Task;

    /// <summary>The live counters; kernel counters are read from the sockets on each call.</summary>
    public CaptureCounters Counters
    {
        get
        {
            var kernel = default(PacketStatistics);
            foreach (var r in rings)
            {
                kernel += r.ReadStatistics();
            }

            return new CaptureCounters(Interlocked.Read(ref packets), Interlocked.Read(ref wireBytes), kernel.Packets, kernel.Drops, Interlocked.Read(ref fileBytes));
        }
    }

    /// <summary><c>&lt;capture&gt;-&lt;node&gt;-&lt;YYYYMMDDhhmmss&gt;UTC</c> (Retina's name), with characters unsafe in file names replaced.</summary>
    public static string ArtifactBaseName(CaptureRequest request, DateTimeOffset startedAt) =>
        $"{Safe(request.Name)}-{Safe(request.NodeName)}-{startedAt.UtcDateTime:yyyyMMddHHmmss}UTC";

    /// <summary>Stops capturing (reason <see cref="CaptureReasons.Stopped"/> unless a limit got there first) and waits for the result.</summary>
    public Task<CaptureResult> StopAsync(CancellationToken cancellationToken = default)
    {
        RequestStop(CapturePhase.Completed, CaptureReasons.Stopped, "stopped on request", keepAccepting: true);
        return completion.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        RequestStop(CapturePhase.Failed, CaptureReasons.Stopped, "the capture engine shut down", keepAccepting: true);
        await lifetime.CancelAsync().ConfigureAwait(false);
        try
        {
            await completion.Task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    internal static CaptureSession FailedBeforeStart(
        CaptureRequest request, string filter, CaptureEngineOptions options, TimeProvider time, SecretRedactor redactor, DateTimeOffset startedAt, string reason, string message)
    {
        var s = new CaptureSession(request, filter, [], [], [], options, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, time, redactor, startedAt);
        s.Phase = CapturePhase.Failed;
        s.completion.SetResult(new CaptureResult
        {
            Phase = CapturePhase.Failed,
            Reason = reason,
            Message = message,
            StartedAt = startedAt,
            FinishedAt = time.GetUtcNow(),
        });
        return s;
    }

    internal void Start()
    {
        Directory.CreateDirectory(workDirectory);
        writer = new CaptureFileWriter(workDirectory, baseName, interfaces, request, options.DiskBudget);
        if (writer.Open() == CaptureWriteOutcome.DiskBudgetExceeded)
        {
            RequestStop(CapturePhase.Failed, CaptureReasons.DiskBudgetExceeded, $"stopped before the first packet: {options.DiskBudget.Describe()} is used up", keepAccepting: false);
        }

        if (LiveCutoffNanoseconds > 0)
        {
            seam = new SeamMatcher(PreTrigger, LiveCutoffNanoseconds, request.PacketSize);
        }

        WritePreTrigger();
        var readers = new List<Task>();
        for (var i = 0; i < rings.Count; i++)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var sink = new Sink(this, i);
            var ring = rings[i];
            new Thread(() => ReadLoop(ring, sink, done)) { IsBackground = true, Name = $"capture-{interfaces[i].Name}" }.Start();
            readers.Add(done.Task);
        }

        if (request.Duration is { } duration)
        {
            _ = Task.Delay(duration, time, stopping.Token).ContinueWith(
                t => RequestStop(CapturePhase.Completed, CaptureReasons.DurationElapsed, $"duration {duration} elapsed", keepAccepting: true),
                CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }

        _ = FinishAsync(readers);
    }

    /// <summary>The seam between recorded and live packets, for a capture that asked for pre-trigger packets.</summary>
    private PreTriggerSeam? Seam() => request.PreTriggerSeconds <= 0 ? null : new PreTriggerSeam(
        request.PreTriggerSeconds,
        preTriggerWritten,
        PreTriggerSeam.FromNanoseconds(LiveCutoffNanoseconds),
        preTriggerWritten > 0 ? PreTriggerSeam.FromNanoseconds(lastRecordedNs) : null,
        PreTriggerSeam.FromNanoseconds(firstLiveNs),
        seam?.Late ?? 0,
        seam?.Duplicates ?? 0);

    private void WritePreTrigger()
    {
        if (PreTrigger.Count == 0)
        {
            return;
        }

        var ids = interfaces.Select((itf, id) => (itf.IfIndex, id)).ToDictionary(p => p.IfIndex, p => p.id);
        lock (writeGate)
        {
            foreach (var p in PreTrigger)
            {
                if (!OnPacket(ids[p.IfIndex], new PacketView(p.Data, p.OriginalLength, p.TimestampNanoseconds, p.VlanTci, p.VlanValid, p.PacketType), live: false))
                {
                    break;
                }
            }

            writer!.Flush();
            preTriggerWritten = writer.Packets;
            lastRecordedNs = preTriggerWritten > 0 ? PreTrigger[(int)Math.Min(PreTrigger.Count, preTriggerWritten) - 1].TimestampNanoseconds : 0;
            Interlocked.Exchange(ref packets, writer.Packets);
            Interlocked.Exchange(ref wireBytes, writer.WireBytes);
            Interlocked.Exchange(ref fileBytes, writer.FileBytes);
        }
    }

    private void ReadLoop(PacketRing ring, Sink sink, TaskCompletionSource done)
    {
        try
        {
            var clock = Stopwatch.StartNew();
            while (!stopping.IsCancellationRequested)
            {
                if (ring.Wait(PollMilliseconds))
                {
                    DrainAndFlush(ring, sink);
                }

                if (clock.ElapsedMilliseconds > 500)
                {
                    ring.ReadStatistics();
                    clock.Restart();
                }
            }

            if (accepting)
            {
                DrainAndFlush(ring, sink); // blocks the kernel already handed over
            }

            ring.ReadStatistics();
        }
        catch (Exception e)
        {
            RequestStop(CapturePhase.Failed, CaptureReasons.CaptureError, $"reading interface #{ring.InterfaceIndex} failed: {e.Message}", keepAccepting: false);
        }
        finally
        {
            done.SetResult();
        }
    }

    /// <summary>One lock per batch of ring blocks, not per packet; counters are published once per batch.</summary>
    private void DrainAndFlush(PacketRing ring, Sink sink)
    {
        lock (writeGate)
        {
            ring.Drain(sink);
            if (writer is { Dirty: true })
            {
                writer.Flush();
                Interlocked.Exchange(ref packets, writer.Packets);
                Interlocked.Exchange(ref wireBytes, writer.WireBytes);
                Interlocked.Exchange(ref fileBytes, writer.FileBytes);
            }
        }
    }

    private bool OnPacket(int interfaceId, in PacketView packet, bool live = true)
    {
        lock (writeGate)
        {
            if (!accepting || writer is null)
            {
                return false;
            }

            if (live && seam is not null && seam.IsDuplicate(interfaces[interfaceId].IfIndex, packet))
            {
                return true; // already written from the flight recorder
            }

            var outcome = writer.Write(interfaceId, packet);
            if (live && firstLiveNs == 0 && outcome is CaptureWriteOutcome.Written or CaptureWriteOutcome.WrittenAndMaxPacketsReached)
            {
                firstLiveNs = packet.TimestampNanoseconds;
            }
            if (firstPacketAt is null && outcome is CaptureWriteOutcome.Written or CaptureWriteOutcome.WrittenAndMaxPacketsReached)
            {
                firstPacketAt = time.GetUtcNow();
            }

            switch (outcome)
            {
                case CaptureWriteOutcome.Written:
                    return true;
                case CaptureWriteOutcome.WrittenAndMaxPacketsReached:
                case CaptureWriteOutcome.MaxPacketsReached:
                    RequestStop(CapturePhase.Completed, CaptureReasons.MaxPacketsReached, $"maxPackets {request.MaxPackets} reached", keepAccepting: false);
                    return false;
                case CaptureWriteOutcome.MaxCaptureSizeReached:
                    RequestStop(CapturePhase.Completed, CaptureReasons.MaxCaptureSizeReached, $"maxCaptureSize {request.MaxCaptureSizeBytes} bytes reached", keepAccepting: false);
                    return false;
                default:
                    RequestStop(CapturePhase.Failed, CaptureReasons.DiskBudgetExceeded, $"stopped after {writer.Packets} packets: {options.DiskBudget.Describe()} is used up; the partial capture is kept", keepAccepting: false);
                    return false;
            }
        }
    }

    private void RequestStop(CapturePhase phase, string reason, string message, bool keepAccepting)
    {
        lock (writeGate)
        {
            if (stopCause is not null)
            {
                return;
            }

            stopCause = (phase, reason, message);
            stoppedAt = time.GetUtcNow();
            if (!keepAccepting)
            {
                accepting = false;
            }
        }

        stopping.Cancel();
    }

    private async Task FinishAsync(IReadOnlyList<Task> readers)
    {
        CaptureResult result;
        try
        {
            await Task.WhenAll(readers).ConfigureAwait(false);
            IReadOnlyList<string> files;
            lock (writeGate)
            {
                accepting = false;
                files = writer!.Complete();
                fileBytes = files.Sum(f => new FileInfo(f).Length);
            }

            // Closed first, so the counters end where the readers stopped rather than counting traffic after the stop.
            foreach (var r in rings)
            {
                r.Dispose();
            }

            var counters = Counters;

            var (phase, reason, message) = stopCause!.Value;
            CaptureLog.Stopped(log, request.Name, reason, counters.Packets, counters.KernelDrops);
            var packager = new CapturePackager(request, Filter, interfaces, notes, redactor, time) { Seam = Seam() };
            var timings = new CaptureTimings(StartedAt, firstPacketAt, stoppedAt);
            var artifact = await packager.PackageAsync(workDirectory, baseName, files, counters, timings, reason, message, options.WorkDirectory, lifetime.Token).ConfigureAwait(false);
            writer.ReleaseBudget();
            CaptureLog.ArtifactWritten(log, request.Name, artifact.Name, artifact.Bytes, artifact.Sha256);

            Phase = CapturePhase.Uploading;
            var delivery = new CaptureDelivery(request, options, log, redactor, time, () => Interlocked.Increment(ref outputFailures));
            var (locations, errors) = await delivery.DeliverAsync(artifact, lifetime.Token).ConfigureAwait(false);
            if (errors.Count > 0)
            {
                (phase, reason, message) = (CapturePhase.Failed, CaptureReasons.UploadFailed, string.Join("; ", errors));
            }

            if (request.CleanUpAfterUpload && errors.Count == 0 && locations.Any(l => l.Kind is "blob" or "s3"))
            {
                foreach (var copy in locations.Where(l => l.Kind == "hostPath").ToList())
                {
                    File.Delete(copy.Location);
                    locations = [.. locations.Where(l => l != copy)];
                }
            }

            var keep = errors.Count > 0 || options.KeepLocalArtifacts || locations.Count == 0;
            if (!keep)
            {
                File.Delete(artifact.Path);
            }

            result = new CaptureResult
            {
                Phase = phase,
                Reason = reason,
                Message = redactor.Redact(message),
                Counters = counters,
                StartedAt = StartedAt,
                FirstPacketAt = firstPacketAt,
                StoppedAt = stoppedAt,
                FinishedAt = time.GetUtcNow(),
                ArtifactPath = keep ? artifact.Path : null,
                ArtifactName = artifact.Name,
                Sha256 = artifact.Sha256,
                ArtifactBytes = artifact.Bytes,
                CaptureFiles = files.Select(Path.GetFileName).ToList()!,
                Artifacts = locations,
            };
        }
        catch (Exception e)
        {
            foreach (var r in rings)
            {
                r.Dispose();
            }

            var message = redactor.Redact(e is OperationCanceledException ? "the capture engine shut down before the artifact was delivered" : e.Message);
            result = new CaptureResult
            {
                Phase = CapturePhase.Failed,
                Reason = CaptureReasons.CaptureError,
                Message = message,
                Counters = new CaptureCounters(packets, wireBytes, 0, 0, fileBytes),
                StartedAt = StartedAt,
                FirstPacketAt = firstPacketAt,
                StoppedAt = stoppedAt,
                FinishedAt = time.GetUtcNow(),
            };
        }
        finally
        {
            writer?.Dispose();
        }

        if (result.Phase == CapturePhase.Failed)
        {
            CaptureLog.Failed(log, request.Name, result.Reason, result.Message);
        }

        Phase = result.Phase;
        completion.SetResult(result);
    }

    private static string Safe(string s) => string.Concat(s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_'));

    private sealed class Sink(CaptureSession session, int interfaceId) : IPacketSink
    {
        public bool OnPacket(in PacketView packet) => session.OnPacket(interfaceId, packet);
    }
}
