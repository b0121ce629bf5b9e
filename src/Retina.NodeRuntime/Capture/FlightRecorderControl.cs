using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Api.NodeRuntime;

namespace Retina.NodeRuntime.Capture;

/// <summary>What the node allows its flight recorder.</summary>
public sealed record FlightRecorderLimits
{
    /// <summary>The network namespace recorded (null: the runtime's own).</summary>
    public string? NetworkNamespacePath { get; init; }

    /// <summary>The most memory a NodeRuntime.spec.flightRecorder may ask for; larger asks are capped (0: policies cannot arm it).</summary>
    public long MaxBytes { get; init; }

    /// <summary>A recorder kept on whatever the spec says (the node's FlightRecorderMB; 0: none).</summary>
    public long AlwaysOnBytes { get; init; }

    /// <summary>AF_PACKET sockets need CAP_NET_RAW: without it the recorder reports Failed instead of trying.</summary>
    public bool Privileged { get; init; } = Environment.IsPrivilegedProcess;

    /// <summary>Test seam: how the recorder starts.</summary>
    public Func<FlightRecorderOptions, Task<FlightRecorder>> Start { get; init; } = FlightRecorder.StartAsync;
}

/// <summary>
/// Starts, resizes and stops the node's flight recorder as NodeRuntime.spec.flightRecorder comes, changes and goes; its
/// memory is reserved in the node's <see cref="CaptureMemoryBudget"/> while it runs. Captures take <see cref="Current"/>.
/// </summary>
public sealed partial class FlightRecorderControl(FlightRecorderLimits limits, CaptureMemoryBudget budget, ILogger? logger = null) : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ILogger log = logger ?? NullLogger.Instance;
    private FlightRecorder? recorder;
    private long reserved;
    private int? seconds;
    private NodeFlightRecorderStatus status = new() { State = "Off", Reason = "NotRequested", Message = "no armed CapturePolicy with preTriggerSeconds targets this node" };

    /// <summary>The running recorder, or null.</summary>
    public FlightRecorder? Current => Volatile.Read(ref recorder);

    /// <summary>Brings the recorder to <paramref name="spec"/> (null: off, unless the node keeps one always on). Never throws for expected failures: they are in <see cref="Status"/>.</summary>
    public async Task ApplyAsync(NodeFlightRecorderSpec? spec, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (want, age, capped) = Wanted(spec);
            if (want == 0)
            {
                await StopLockedAsync().ConfigureAwait(false);
                status = spec is null
                    ? new NodeFlightRecorderStatus { State = "Off", Reason = "NotRequested", Message = "no armed CapturePolicy with preTriggerSeconds targets this node" }
                    : new NodeFlightRecorderStatus { State = "Failed", Reason = "CappedByNode", Message = "the node allows no flight recorder (Retina:NodeRuntime:FlightRecorderMaxMB is 0)" };
                return;
            }

            if (!limits.Privileged)
            {
                status = new NodeFlightRecorderStatus { State = "Failed", Reason = "NotPrivileged", Message = "the flight recorder needs AF_PACKET sockets (root, CAP_NET_RAW)" };
                return;
            }

            if (recorder is not null && reserved == want && seconds == spec?.Seconds)
            {
                return;
            }

            // Only the difference moves: growing takes more from the budget (or fails and keeps the old size), shrinking gives back.
            if (want > reserved && !budget.TryReserve(want - reserved))
            {
                status = new NodeFlightRecorderStatus
                {
                    State = recorder is null ? "Failed" : "On", Reason = "MemoryBudgetExceeded", MaxBytes = recorder?.MaxBytes,
                    Message = $"a flight recorder of {want} bytes does not fit in the {budget.Describe()}" + (recorder is null ? "" : $"; it keeps {reserved} bytes"),
                };
                return;
            }

            var previous = reserved;
            if (want < reserved)
            {
                budget.Release(reserved - want);
            }

            reserved = want;
            seconds = spec?.Seconds;
            if (recorder is null)
            {
                try
                {
                    Volatile.Write(ref recorder, await limits.Start(new FlightRecorderOptions { NetworkNamespacePath = limits.NetworkNamespacePath, MaxBytes = want, MaxAge = age }).ConfigureAwait(false));
                    LogStarted(log, want, spec?.Seconds);
                }
                catch (Exception e) when (e is CaptureInterfaceException or Native.Packet.PacketException or IOException or UnauthorizedAccessException)
                {
                    budget.Release(want);
                    reserved = 0;
                    status = new NodeFlightRecorderStatus { State = "Failed", Reason = "StartFailed", Message = $"the flight recorder did not start: {e.Message}" };
                    return;
                }
            }
            else
            {
                recorder.Resize(want, age);
                LogResized(log, previous, want, spec?.Seconds);
            }

            status = new NodeFlightRecorderStatus
            {
                State = "On",
                Reason = capped ? "CappedByNode" : "Recording",
                Message = capped ? $"asked for {spec!.MaxBytes} bytes; the node allows {limits.MaxBytes} (Retina:NodeRuntime:FlightRecorderMaxMB)" : (spec is null ? "always on (Retina:NodeRuntime:FlightRecorderMB)" : $"for {string.Join(", ", spec.Policies ?? [])}"),
            };
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The recorder's state, with what it holds now.</summary>
    public NodeFlightRecorderStatus Status()
    {
        var s = status;
        var r = Current;
        if (r is null || s.State != "On")
        {
            return s;
        }

        var (packets, covered) = r.Held;
        return new NodeFlightRecorderStatus
        {
            State = s.State, Reason = s.Reason, Message = s.Message, MaxBytes = r.MaxBytes, Seconds = seconds,
            BytesHeld = r.Counters.BytesHeld, PacketsHeld = packets, SecondsCovered = Math.Round(covered.TotalSeconds, 1),
        };
    }

    private (long Bytes, TimeSpan? Age, bool Capped) Wanted(NodeFlightRecorderSpec? spec)
    {
        if (spec is null)
        {
            return (limits.AlwaysOnBytes, null, false);
        }

        var asked = Math.Min(spec.MaxBytes, limits.MaxBytes);
        var capped = spec.MaxBytes > limits.MaxBytes;

        // An always-on recorder keeps its size and keeps everything that fits: a policy only ever adds to it.
        if (limits.AlwaysOnBytes > 0)
        {
            return (Math.Max(asked, limits.AlwaysOnBytes), null, capped && limits.AlwaysOnBytes < limits.MaxBytes);
        }

        return (asked, TimeSpan.FromSeconds(spec.Seconds), capped);
    }

    private async Task StopLockedAsync()
    {
        if (recorder is { } r)
        {
            Volatile.Write(ref recorder, null);
            await r.DisposeAsync().ConfigureAwait(false);
            LogStopped(log, reserved);
        }

        budget.Release(reserved);
        reserved = 0;
        seconds = null;
    }

    public async ValueTask DisposeAsync()
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await StopLockedAsync().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    [LoggerMessage(EventId = 420, Level = LogLevel.Information, Message = "Flight recorder started: {Bytes} bytes, {Seconds} s")]
    private static partial void LogStarted(ILogger logger, long bytes, int? seconds);

    [LoggerMessage(EventId = 421, Level = LogLevel.Information, Message = "Flight recorder resized from {From} to {To} bytes, {Seconds} s")]
    private static partial void LogResized(ILogger logger, long from, long to, int? seconds);

    [LoggerMessage(EventId = 422, Level = LogLevel.Information, Message = "Flight recorder stopped, {Bytes} bytes returned to the capture memory budget")]
    private static partial void LogStopped(ILogger logger, long bytes);
}
