using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Native.Libpcap;
using Retina.Native.Packet;

namespace Retina.NodeRuntime.Capture;

/// <summary>
/// Starts in-process packet captures on this node: one AF_PACKET socket with a TPACKET_V3 ring per interface, the
/// request's filter compiled by libpcap and attached in the kernel, pcap or pcapng files with exact limits, then a tarball
/// delivered to the request's outputs. No process, no shell and no Job per capture.
/// </summary>
public sealed class CaptureEngine(CaptureEngineOptions options, ILogger<CaptureEngine>? logger = null, TimeProvider? timeProvider = null)
{
    private readonly ILogger log = logger ?? NullLogger<CaptureEngine>.Instance;
    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;

    public CaptureEngineOptions Options => options;

    /// <summary>
    /// Opens the sockets and returns once packets are being captured. Expected failures (a bad filter, a missing
    /// interface, a refused socket) do not throw: the session comes back already <see cref="CapturePhase.Failed"/>, with the reason.
    /// </summary>
    public async Task<CaptureSession> StartAsync(CaptureRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var redactor = SecretRedactor.For(request);
        var startedAt = time.GetUtcNow();
        string filter = "";
        long ringReservation = 0;
        try
        {
            Validate(request);
            filter = CaptureFilterBuilder.Build(request);
            var ringBytes = request.RingBufferBytesPerInterface ?? options.RingBufferBytesPerInterface;
            var opened = await NetworkNamespace.RunAsync(
                request.NetworkNamespacePath,
                () => Open(request, filter, ringBytes),
                "capture-open").WaitAsync(cancellationToken).ConfigureAwait(false);
            ringReservation = opened.RingBytes;
            var notes = opened.Notes.ToList();
            var (preTrigger, cutoff) = await PreTriggerAsync(request, opened, notes, cancellationToken).ConfigureAwait(false);
            var session = new CaptureSession(request, filter, opened.Interfaces, opened.Rings, notes, options, log, time, redactor, startedAt)
            {
                PreTrigger = preTrigger,
                LiveCutoffNanoseconds = cutoff,
            };
            CaptureLog.Started(log, request.Name, request.NodeName, string.Join(",", opened.Interfaces.Select(i => $"{i.Name}#{i.IfIndex}")), filter);
            session.Start();
            var reserved = ringReservation;
            ringReservation = 0;
            _ = session.Completion.ContinueWith(_ => options.MemoryBudget.Release(reserved), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return session;
        }
        catch (Exception e) when (Classify(e) is { } reason)
        {
            options.MemoryBudget.Release(ringReservation);
            var message = redactor.Redact(e.Message);
            CaptureLog.Failed(log, request.Name, reason, message);
            return CaptureSession.FailedBeforeStart(request, filter, options, time, redactor, startedAt, reason, message);
        }
    }

    /// <summary>
    /// Call once per assigned capture after the runtime restarts, before starting it again: when a previous run of the
    /// runtime left capture files (or an undelivered tarball) for it, they are packaged and delivered and the result is
    /// <see cref="CapturePhase.Failed"/> with <see cref="CaptureReasons.RuntimeRestarted"/>; null when nothing was left.
    /// </summary>
    public Task<CaptureResult?> RecoverAsync(CaptureRequest request, CancellationToken cancellationToken = default) =>
        new CaptureRecovery(options, log, time).RecoverAsync(request, cancellationToken);

    private static string? Classify(Exception e) => e switch
    {
        PcapFilterException or CaptureFilterException => CaptureReasons.InvalidFilter,
        CaptureMemoryException => CaptureReasons.MemoryBudgetExceeded,
        CaptureInterfaceException => CaptureReasons.InterfaceNotFound,
        ArgumentException => CaptureReasons.InvalidRequest,
        PacketException or IOException or UnauthorizedAccessException => CaptureReasons.CaptureError,
        _ => null,
    };

    private static void Validate(CaptureRequest r)
    {
        var problems = new List<string>();
        if (r.PacketSize is < 1 or > CaptureRequest.DefaultSnapLength)
        {
            problems.Add($"packetSize: {r.PacketSize} is outside 1..{CaptureRequest.DefaultSnapLength}");
        }

        if (r.MaxCaptureSizeBytes < 1)
        {
            problems.Add("maxCaptureSize: must be positive");
        }

        if (r.MaxPackets is < 1)
        {
            problems.Add("maxPackets: must be positive");
        }

        if (r.FileCount < 0)
        {
            problems.Add("fileCount: must not be negative");
        }

        if (r.Duration is { } d && d <= TimeSpan.Zero)
        {
            problems.Add("duration: must be positive");
        }

        if (string.IsNullOrWhiteSpace(r.Name) || string.IsNullOrWhiteSpace(r.NodeName))
        {
            problems.Add("name and node name are required");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems));
        }
    }

    private sealed record Opened(IReadOnlyList<CaptureInterface> Interfaces, IReadOnlyList<PacketRing> Rings, IReadOnlyList<string> Notes, IReadOnlyDictionary<PcapLinkType, BpfInstruction[]> Programs, long RingBytes);

    /// <summary>The recorder's packets from before the start that pass this capture's filter, and the time from which live packets take over.</summary>
    private async Task<(IReadOnlyList<RecordedPacket> Packets, long Cutoff)> PreTriggerAsync(CaptureRequest request, Opened opened, List<string> notes, CancellationToken cancellationToken)
    {
        if (request.PreTriggerSeconds <= 0)
        {
            return ([], 0);
        }

        if ((options.FlightRecorderControl?.Current ?? options.FlightRecorder) is not { } recorder || recorder.NetworkNamespacePath != request.NetworkNamespacePath)
        {
            notes.Add($"preTriggerSeconds: no flight recorder runs in this network namespace, so the capture holds no packets from before its start");
            return ([], 0);
        }

        var cutoff = FlightRecorder.NowNanoseconds();
        var linkTypes = opened.Interfaces.ToDictionary(i => i.IfIndex, i => i.LinkType);
        var taken = await recorder.TakeAsync(cutoff - (request.PreTriggerSeconds * 1_000_000_000L), cutoff, linkTypes.Keys.ToHashSet(), cancellationToken).ConfigureAwait(false);
        var kept = taken.Where(p => ClassicBpf.Run(opened.Programs[linkTypes[p.IfIndex]], p.Data, p.OriginalLength) > 0).ToList();
        notes.Add($"preTriggerSeconds: {kept.Count} packets from the flight recorder's {request.PreTriggerSeconds} s before the start passed the filter");
        return (kept, cutoff);
    }

    /// <summary>Runs on a thread inside the capture's network namespace: the sockets belong to it from then on.</summary>
    private Opened Open(CaptureRequest request, string filter, int ringBytes)
    {
        var all = NetworkInterfaces.List();
        var notes = new List<string>();
        var chosen = new List<NetworkInterfaceInfo>();
        if (request.Interfaces.Count > 0)
        {
            foreach (var name in request.Interfaces)
            {
                var found = all.FirstOrDefault(i => i.Name == name)
                    ?? throw new CaptureInterfaceException($"interfaces: \"{name}\" does not exist on node {request.NodeName}; it has {string.Join(", ", all.Select(i => i.Name))}");
                if (PcapLinkTypes.FromHardwareType(found.HardwareType) is null)
                {
                    throw new CaptureInterfaceException($"interfaces: \"{name}\" has link type ARPHRD {found.HardwareType}, which the capture engine does not support");
                }

                chosen.Add(found);
            }
        }
        else
        {
            foreach (var i in all.Where(i => i.IsUp))
            {
                if (PcapLinkTypes.FromHardwareType(i.HardwareType) is null)
                {
                    notes.Add($"skipped interface {i.Name}: unsupported link type ARPHRD {i.HardwareType}");
                    continue;
                }

                chosen.Add(i);
            }

            if (chosen.Count == 0)
            {
                throw new CaptureInterfaceException($"no interface is up on node {request.NodeName}");
            }
        }

        var programs = new Dictionary<PcapLinkType, BpfInstruction[]>();
        var blockSize = Math.Max(Environment.SystemPageSize, Math.Min(256 * 1024, ringBytes / 2) / Environment.SystemPageSize * Environment.SystemPageSize);
        var blockCount = Math.Max(2, ringBytes / blockSize);
        var reservation = (long)blockSize * blockCount * chosen.Count;
        if (!options.MemoryBudget.TryReserve(reservation))
        {
            throw new CaptureMemoryException(
                $"{chosen.Count} interface ring(s) of {(long)blockSize * blockCount} bytes ({reservation} bytes) do not fit in the {options.MemoryBudget.Describe()}; " +
                "capture fewer interfaces, lower the ring size, or wait for running captures to finish");
        }

        var rings = new List<PacketRing>();
        var interfaces = new List<CaptureInterface>();
        try
        {
            foreach (var i in chosen)
            {
                var linkType = PcapLinkTypes.FromHardwareType(i.HardwareType)!.Value;
                if (!programs.TryGetValue(linkType, out var program))
                {
                    program = PcapFilterCompiler.Compile(filter, linkType, request.PacketSize);
                    programs[linkType] = program;
                }

                rings.Add(PacketRing.Open(new PacketRingOptions
                {
                    InterfaceIndex = i.Index,
                    Filter = program,
                    Promiscuous = !request.NoPromiscuous,
                    BlockSize = blockSize,
                    BlockCount = blockCount,
                    BlockTimeoutMilliseconds = options.RingBlockTimeoutMilliseconds,
                }));
                interfaces.Add(new CaptureInterface(i.Index, i.Name, linkType));
            }
        }
        catch
        {
            foreach (var r in rings)
            {
                r.Dispose();
            }

            options.MemoryBudget.Release(reservation);
            throw;
        }

        return new Opened(interfaces, rings, notes, programs, reservation);
    }
}
