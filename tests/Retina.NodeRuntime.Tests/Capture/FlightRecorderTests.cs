using System.Text.Json;
using Retina.Native.Packet;
using Retina.NodeRuntime.Capture;
using Retina.Testing.Kernel;

namespace Retina.NodeRuntime.Tests.Capture;

/// <summary>Captures fired late still hold the packets from just before them, without duplicates.</summary>
public sealed class FlightRecorderTests
{
    private const int Port = 7601;
    private const int OtherPort = 7602;

    [KernelFact]
    public async Task A_capture_with_pre_trigger_seconds_starts_with_the_recorded_packets_that_match_its_filter()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await bed.ListenOnAAsync(Port);
        await bed.ListenOnAAsync(OtherPort);
        var sender = await bed.BindOnBAsync();
        await using var recorder = await FlightRecorder.StartAsync(new FlightRecorderOptions { NetworkNamespacePath = NetworkNamespace.PathOf(bed.Pair.NamespaceA) });
        CaptureBed.Send(sender, bed.Pair.AddressA, Port, 10);
        CaptureBed.Send(sender, bed.Pair.AddressA, OtherPort, 5, firstSequence: 1000);
        await CaptureBed.WaitUntilAsync(() => recorder.Counters.Recorded >= 15, "the recorder holds 15 packets");

        var session = await bed.Engine(bed.Options() with { FlightRecorder = recorder }).StartAsync(bed.Request() with
        {
            PcapFilter = $"udp dst port {Port}",
            PreTriggerSeconds = 60,
            IncludeMetadata = false,
        });
        CaptureBed.Send(sender, bed.Pair.AddressA, Port, 5, firstSequence: 10);
        await CaptureBed.WaitUntilAsync(() => session.Counters.Packets >= 15, "15 packets are written");
        var result = await session.StopAsync();

        var dir = await bed.ExtractAsync(result.ArtifactPath!);
        (await CaptureBed.SequencesAsync(CaptureBed.CaptureFiles(dir).Single())).ShouldBe(Enumerable.Range(0, 15));
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "capture.json")));
        manifest.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetString()).ShouldContain(n => n!.Contains("10 packets from the flight recorder"));
    }

    [KernelFact]
    public async Task The_recorder_forgets_the_oldest_packets_to_stay_within_its_memory()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await bed.ListenOnAAsync(Port);
        var sender = await bed.BindOnBAsync();
        const long maxBytes = 20 * (FlightRecorder.PerPacketOverheadBytes + 106); // room for 20 frames of 106 bytes
        await using var recorder = await FlightRecorder.StartAsync(new FlightRecorderOptions
        {
            NetworkNamespacePath = NetworkNamespace.PathOf(bed.Pair.NamespaceA),
            Interfaces = [bed.Pair.VethA],
            MaxBytes = maxBytes,
        });
        CaptureBed.Send(sender, bed.Pair.AddressA, Port, 100);
        await CaptureBed.WaitUntilAsync(() => recorder.Counters.Recorded >= 100, "the recorder saw 100 packets");

        recorder.Counters.Evicted.ShouldBe(80);
        recorder.Counters.BytesHeld.ShouldBeLessThanOrEqualTo(maxBytes);
        var session = await bed.Engine(bed.Options() with { FlightRecorder = recorder }).StartAsync(bed.Request() with { PcapFilter = "udp", PreTriggerSeconds = 60 });
        var result = await session.StopAsync();
        (await CaptureBed.SequencesAsync(CaptureBed.CaptureFiles(await bed.ExtractAsync(result.ArtifactPath!)).Single())).ShouldBe(Enumerable.Range(80, 20));
    }

    [KernelFact]
    public async Task Without_a_recorder_in_its_namespace_a_pre_trigger_capture_says_so_and_starts_now()
    {
        await using var bed = await CaptureBed.CreateAsync();

        var session = await bed.Engine().StartAsync(bed.Request() with { PreTriggerSeconds = 30 });
        var result = await session.StopAsync();

        result.Phase.ShouldBe(CapturePhase.Completed);
        var manifest = File.ReadAllText(Path.Combine(await bed.ExtractAsync(result.ArtifactPath!), "capture.json"));
        manifest.ShouldContain("no flight recorder runs in this network namespace");
    }
}
