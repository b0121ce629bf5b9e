using System.Text.Json;
using Retina.Api.NodeRuntime;
using Retina.Native.Packet;
using Retina.NodeRuntime.Capture;
using Retina.Testing.Kernel;

namespace Retina.NodeRuntime.Tests.Capture;

/// <summary>
/// A capture started while traffic flows: the recorded packets run straight into the live ones, with no gap and no
/// duplicate at the seam (UDP payload counters), and the manifest says where the seam is. Plus the recorder's control.
/// </summary>
public sealed class FlightRecorderSeamTests
{
    private const int Port = 7611;

    [KernelFact]
    public async Task Recorded_and_live_packets_meet_without_gap_or_duplicate_and_the_manifest_says_where()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await bed.ListenOnAAsync(Port);
        var sender = await bed.BindOnBAsync();
        await using var recorder = await FlightRecorder.StartAsync(new FlightRecorderOptions { NetworkNamespacePath = NetworkNamespace.PathOf(bed.Pair.NamespaceA), Interfaces = [bed.Pair.VethA] });

        // A steady stream, numbered, while the capture starts in the middle of it.
        using var stop = new CancellationTokenSource();
        var sent = 0;
        var sending = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Paced (about 10 packets a millisecond), so the veth backlog never drops one: a gap must come from the seam.
                CaptureBed.Send(sender, bed.Pair.AddressA, Port, 10, firstSequence: sent);
                Interlocked.Add(ref sent, 10);
                await Task.Delay(1);
            }
        });
        await CaptureBed.WaitUntilAsync(() => recorder.Counters.Recorded >= 200, "the recorder holds 200 packets");
        var session = await bed.Engine(bed.Options() with { FlightRecorder = recorder }).StartAsync(bed.Request() with
        {
            Interfaces = [bed.Pair.VethA],
            PcapFilter = $"udp dst port {Port}",
            PreTriggerSeconds = 60,
            IncludeMetadata = false,
        });
        var atStart = Volatile.Read(ref sent);
        await CaptureBed.WaitUntilAsync(() => Volatile.Read(ref sent) > atStart + 200 && session.Counters.Packets > atStart + 100, "200 more packets are sent and written");
        await stop.CancelAsync();
        await sending;
        var result = await session.StopAsync();

        var dir = await bed.ExtractAsync(result.ArtifactPath!);
        var sequences = await CaptureBed.SequencesAsync(CaptureBed.CaptureFiles(dir).Single());
        sequences.Length.ShouldBeGreaterThan(atStart);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "capture.json")));
        var seam = manifest.RootElement.GetProperty("preTrigger");
        var recorded = seam.GetProperty("packets").GetInt64();
        recorded.ShouldBeGreaterThanOrEqualTo(200);
        recorded.ShouldBeLessThan(sequences.Length);
        var cutoff = seam.GetProperty("cutoff").GetDateTimeOffset();
        seam.GetProperty("lastRecordedPacket").GetDateTimeOffset().ShouldBeLessThan(cutoff);

        // The seam's timestamps are those of the last recorded and the first live packet in the file.
        var times = await CaptureBed.TsharkFieldAsync(CaptureBed.CaptureFiles(dir).Single(), "frame.time_epoch");
        Seconds(times[recorded - 1]).ShouldBe(Epoch(seam.GetProperty("lastRecordedPacket").GetDateTimeOffset()), 0.000001m);
        Seconds(times[recorded]).ShouldBe(Epoch(seam.GetProperty("firstLivePacket").GetDateTimeOffset()), 0.000001m);
        Seconds(times[recorded - 1]).ShouldBeLessThan(Epoch(cutoff));
    }

    [KernelFact]
    public async Task The_control_starts_resizes_and_stops_the_recorder_within_the_memory_budget()
    {
        await using var bed = await CaptureBed.CreateAsync();
        var budget = new CaptureMemoryBudget(32L * 1024 * 1024);
        const long mib = 1024 * 1024;
        await using var control = new FlightRecorderControl(new FlightRecorderLimits { NetworkNamespacePath = NetworkNamespace.PathOf(bed.Pair.NamespaceA), MaxBytes = 8 * mib }, budget);

        await control.ApplyAsync(null);
        control.Status().State.ShouldBe("Off");
        control.Current.ShouldBeNull();

        await control.ApplyAsync(new NodeFlightRecorderSpec { MaxBytes = 4 * mib, Seconds = 10, Policies = ["team-a/drops"] });
        control.Current.ShouldNotBeNull();
        var on = control.Status();
        (on.State, on.Reason, on.MaxBytes, on.Seconds).ShouldBe(("On", "Recording", 4 * mib, 10));
        budget.UsedBytes.ShouldBe(4 * mib);

        var first = control.Current;
        await control.ApplyAsync(new NodeFlightRecorderSpec { MaxBytes = 100 * mib, Seconds = 20 });
        control.Current.ShouldBeSameAs(first, "a resize keeps recording into the same store");
        (control.Status().Reason, control.Status().MaxBytes).ShouldBe(("CappedByNode", 8 * mib));
        budget.UsedBytes.ShouldBe(8 * mib);

        await control.ApplyAsync(null);
        control.Current.ShouldBeNull();
        control.Status().State.ShouldBe("Off");
        budget.UsedBytes.ShouldBe(0);
    }

    [Fact]
    public async Task A_recorder_that_does_not_fit_in_the_memory_budget_is_reported_failed_and_not_started()
    {
        var budget = new CaptureMemoryBudget(2L * 1024 * 1024);
        var started = 0;
        await using var control = new FlightRecorderControl(new FlightRecorderLimits
        {
            MaxBytes = 64L * 1024 * 1024,
            Privileged = true,
            Start = _ =>
            {
                started++;
                throw new InvalidOperationException("must not start");
            },
        }, budget);

        await control.ApplyAsync(new NodeFlightRecorderSpec { MaxBytes = 4L * 1024 * 1024, Seconds = 5 });

        var status = control.Status();
        (status.State, status.Reason).ShouldBe(("Failed", "MemoryBudgetExceeded"));
        status.Message!.ShouldContain("4194304 bytes does not fit");
        started.ShouldBe(0);
        budget.UsedBytes.ShouldBe(0);
    }

    private static decimal Seconds(string epoch) => decimal.Parse(epoch, System.Globalization.CultureInfo.InvariantCulture);

    private static decimal Epoch(DateTimeOffset t) => (t - DateTimeOffset.UnixEpoch).Ticks / 10_000_000m;
}
