using Retina.NodeRuntime.Capture;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Capture;

/// <summary>
/// Retina's capture files as its users' tools read them: classic pcap by default (one interface keeps its link type,
/// several share Linux cooked v2 with each packet's interface), pcapng on request, a ring of fileCount files of
/// maxCaptureSize each that runs until stopped, and names from the Capture's start time, the same on every node.
/// Judged by tshark and capinfos.
/// </summary>
public sealed class RetinaCaptureFileTests
{
    private const int Port = 7101;

    [KernelFact]
    public async Task By_default_one_interface_is_written_as_classic_pcap_with_its_own_link_type()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await bed.ListenOnAAsync(Port);
        var sender = await bed.BindOnBAsync();
        var session = await bed.Engine().StartAsync(bed.Request() with { PcapFilter = "udp" });
        CaptureBed.Send(sender, bed.Pair.AddressA, Port, 20);
        await CaptureBed.WaitUntilAsync(() => session.Counters.Packets >= 20, "20 packets are written");
        var result = await session.StopAsync();

        var file = CaptureBed.CaptureFiles(await bed.ExtractAsync(result.ArtifactPath!)).ShouldHaveSingleItem();
        file.ShouldEndWith(".pcap");
        var info = await CapinfosAsync(file);
        info.ShouldContain("File type:           Wireshark/tcpdump/... - nanosecond pcap");
        info.ShouldContain("File encapsulation:  Ethernet");
        (await CaptureBed.SequencesAsync(file)).ShouldBe(Enumerable.Range(0, 20));
    }

    [KernelFact]
    public async Task Several_interfaces_in_classic_pcap_keep_each_packets_interface_in_linux_cooked_v2()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await bed.ListenOnAAsync(Port);
        await bed.BindAsync(bed.Pair.NamespaceA, "127.0.0.1", Port + 1);
        var sender = await bed.BindOnBAsync();
        var local = await bed.BindAsync(bed.Pair.NamespaceA, "127.0.0.1", 0);
        var session = await bed.Engine().StartAsync(bed.Request() with { Interfaces = [bed.Pair.VethA, "lo"], PcapFilter = "udp" });
        CaptureBed.Send(sender, bed.Pair.AddressA, Port, 10);
        CaptureBed.Send(local, "127.0.0.1", Port + 1, 5, firstSequence: 100);
        // lo shows each datagram twice (sent and received).
        await CaptureBed.WaitUntilAsync(() => session.Counters.Packets >= 20, "the veth and loopback packets are written");
        var result = await session.StopAsync();

        var file = CaptureBed.CaptureFiles(await bed.ExtractAsync(result.ArtifactPath!)).ShouldHaveSingleItem();
        (await CapinfosAsync(file)).ShouldContain("File encapsulation:  Linux cooked-mode capture v2");
        var ifindexes = (await CaptureBed.TsharkFieldAsync(file, "sll.ifindex")).Distinct().ToList();
        ifindexes.Count.ShouldBe(2, "both interfaces are told apart");
        var sequences = await CaptureBed.SequencesAsync(file);
        sequences.Where(s => s < 100).ShouldBe(Enumerable.Range(0, 10));
        sequences.Count(s => s >= 100).ShouldBe(10);
        var types = await CaptureBed.TsharkFieldAsync(file, "sll.pkttype");
        types.ShouldContain("4", "a packet sent on lo is marked outgoing");
        types.ShouldContain("0", "a packet received is marked to us");
    }

    [KernelFact]
    public async Task OutputFormat_pcapng_writes_one_interface_block_per_interface()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await bed.ListenOnAAsync(Port);
        var sender = await bed.BindOnBAsync();
        var session = await bed.Engine().StartAsync(bed.Request() with { Interfaces = [bed.Pair.VethA, "lo"], PcapFilter = "udp", OutputFormat = "pcapng" });
        CaptureBed.Send(sender, bed.Pair.AddressA, Port, 10);
        await CaptureBed.WaitUntilAsync(() => session.Counters.Packets >= 10, "10 packets are written");
        var result = await session.StopAsync();

        var file = CaptureBed.CaptureFiles(await bed.ExtractAsync(result.ArtifactPath!)).ShouldHaveSingleItem();
        file.ShouldEndWith(".pcapng");
        var info = await CapinfosAsync(file);
        info.ShouldContain("Number of interfaces in file: 2");
        (await CaptureBed.TsharkFieldAsync(file, "frame.interface_name")).Distinct().ShouldBe([bed.Pair.VethA]);
    }

    [KernelFact]
    public async Task A_ring_without_duration_keeps_exactly_fileCount_files_of_at_most_maxCaptureSize_until_stopped()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await bed.ListenOnAAsync(Port);
        var sender = await bed.BindOnBAsync();
        const int perFile = 3_000;
        var session = await bed.Engine().StartAsync(bed.Request() with { PcapFilter = "udp", MaxCaptureSizeBytes = perFile, FileCount = 3, Duration = null });

        // 100 records of 258 bytes fill about nine files of 3,000 bytes: the ring must have turned several times.
        CaptureBed.Send(sender, bed.Pair.AddressA, Port, 100, payload: 200);
        await CaptureBed.WaitUntilAsync(() => session.Counters.Packets >= 100, "100 packets are written");
        session.Phase.ShouldBe(CapturePhase.Running, "no duration and a ring: it runs until stopped");
        var live = Directory.GetDirectories(bed.WorkDirectory).ShouldHaveSingleItem();
        var onDisk = CaptureBed.CaptureFiles(live);
        onDisk.Length.ShouldBe(3);
        onDisk.ShouldAllBe(f => new FileInfo(f).Length <= perFile);

        var result = await session.StopAsync();
        result.Reason.ShouldBe(CaptureReasons.Stopped);
        var files = CaptureBed.CaptureFiles(await bed.ExtractAsync(result.ArtifactPath!));
        files.Length.ShouldBe(3);
        var sequences = new List<int>();
        foreach (var f in files)
        {
            new FileInfo(f).Length.ShouldBeLessThanOrEqualTo(perFile);
            sequences.AddRange(await CaptureBed.SequencesAsync(f));
        }

        sequences[^1].ShouldBe(99);
        sequences.ShouldBe(Enumerable.Range(sequences[0], sequences.Count));
    }

    [KernelFact]
    public async Task Artifact_names_on_two_nodes_are_identical_except_the_node()
    {
        await using var bed = await CaptureBed.CreateAsync();
        var start = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
        var engine = bed.Engine();
        var a = await engine.StartAsync(bed.Request() with { NodeName = "node-a", ArtifactTime = start });
        var b = await engine.StartAsync(bed.Request() with { NodeName = "node-b", ArtifactTime = start });
        var ra = await a.StopAsync();
        var rb = await b.StopAsync();

        ra.ArtifactName.ShouldBe("cap1-node-a-20260304050607UTC.tar.gz");
        rb.ArtifactName.ShouldBe("cap1-node-b-20260304050607UTC.tar.gz");
        CaptureBed.CaptureFiles(await bed.ExtractAsync(ra.ArtifactPath!)).Select(Path.GetFileName).ShouldBe(["cap1-node-a-20260304050607UTC.pcap"]);
    }

    private static async Task<string> CapinfosAsync(string file)
    {
        var r = await Shell.RunAsync("capinfos", [file]);
        r.ExitCode.ShouldBe(0, r.StdErr);
        return r.StdOut;
    }
}
