using Retina.NodeRuntime.Capture;
using Retina.Testing.Kernel;

namespace Retina.NodeRuntime.Tests.Capture;

/// <summary>What a killed runtime leaves behind becomes a Failed capture that keeps the partial pcap.</summary>
public sealed class CaptureRecoveryTests
{
    private const int Port = 7401;

    [KernelFact]
    public async Task Capture_files_left_by_a_killed_runtime_are_kept_in_a_failed_capture_with_the_reason()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await bed.ListenOnAAsync(Port);
        var sender = await bed.BindOnBAsync();
        var engine = bed.Engine();
        var request = bed.Request() with { PcapFilter = "udp", HostPath = new HostPathOutputTarget("recovered") };
        var session = await engine.StartAsync(request);
        CaptureBed.Send(sender, bed.Pair.AddressA, Port, 20);
        await CaptureBed.WaitUntilAsync(() => session.Counters.Packets >= 20, "20 packets are written");

        // What SIGKILL leaves: the live capture directory as it is now, with a write torn in the middle of a block.
        var live = Directory.GetDirectories(bed.WorkDirectory).ShouldHaveSingleItem();
        var snapshot = live + ".snapshot";
        CopyDirectory(live, snapshot);
        await using (var torn = new FileStream(CaptureBed.CaptureFiles(snapshot).Single(), FileMode.Append))
        {
            torn.Write([6, 0, 0, 0, 200, 0, 0, 0, 1, 2, 3]);
        }

        var finished = await session.StopAsync();
        File.Delete(finished.ArtifactPath!);
        Directory.Delete(Path.Combine(bed.HostPathBase, "recovered"), recursive: true);
        Directory.Move(snapshot, live);

        var restarted = bed.Engine(bed.Options() with { KeepLocalArtifacts = false });
        var result = await restarted.RecoverAsync(request);

        result.ShouldNotBeNull();
        result.Phase.ShouldBe(CapturePhase.Failed);
        result.Reason.ShouldBe(CaptureReasons.RuntimeRestarted);
        result.Message.ShouldContain("the partial capture (20 packets in 1 file(s)) is kept");
        result.ArtifactName.ShouldBe(finished.ArtifactName);
        var delivered = Path.Combine(bed.HostPathBase, "recovered", result.ArtifactName!);
        result.Artifacts.ShouldHaveSingleItem().Location.ShouldBe(delivered);
        var file = CaptureBed.CaptureFiles(await bed.ExtractAsync(delivered)).ShouldHaveSingleItem();
        (await CaptureBed.SequencesAsync(file)).ShouldBe(Enumerable.Range(0, 20));
        (await restarted.RecoverAsync(request)).ShouldBeNull(); // delivered once, then nothing is left
    }

    [KernelFact]
    public async Task Nothing_left_behind_means_nothing_to_recover()
    {
        await using var bed = await CaptureBed.CreateAsync();

        (await bed.Engine().RecoverAsync(bed.Request())).ShouldBeNull();
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from))
        {
            File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        }
    }
}
