using Retina.NodeRuntime.Capture;
using Retina.Testing.Kernel;

namespace Retina.NodeRuntime.Tests.Capture;

/// <summary>Real packets between two network namespaces, captured by the engine inside one of them, counted by tshark.</summary>
public sealed class CaptureEngineTests
{
    private const int Port = 7001;
    private const int OtherPort = 7002;

    [KernelFact]
    public async Task Capture_writes_exactly_the_packets_that_match_the_filter()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await bed.ListenOnAAsync(Port);
        await bed.ListenOnAAsync(OtherPort);
        var sender = await bed.BindOnBAsync();
        var session = await bed.Engine().StartAsync(bed.Request() with { PcapFilter = $"udp dst port {Port}" });
        session.Phase.ShouldBe(CapturePhase.Running);

        CaptureBed.Send(sender, bed.Pair.AddressA, OtherPort, 30);
        CaptureBed.Send(sender, bed.Pair.AddressA, Port, 50);
        CaptureBed.Send(sender, bed.Pair.AddressA, OtherPort, 30);
        await CaptureBed.WaitUntilAsync(() => session.Counters.KernelPackets >= 50 && session.Counters.Packets >= 50, "50 packets are written");
        var result = await session.StopAsync();

        result.Phase.ShouldBe(CapturePhase.Completed, result.Message);
        result.Reason.ShouldBe(CaptureReasons.Stopped);
        result.Counters.Packets.ShouldBe(50);
        result.Counters.KernelDrops.ShouldBe(0);
        result.ArtifactName!.ShouldMatch(@"^cap1-node-a-\d{14}UTC\.tar\.gz$");
        var files = CaptureBed.CaptureFiles(await bed.ExtractAsync(result.ArtifactPath!));
        (await CaptureBed.TsharkCountAsync(files.ShouldHaveSingleItem())).ShouldBe(50);
        (await CaptureBed.SequencesAsync(files[0])).ShouldBe(Enumerable.Range(0, 50));
    }

    [KernelFact]
    public async Task Max_packets_stops_the_capture_after_exactly_that_many()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await bed.ListenOnAAsync(Port);
        var sender = await bed.BindOnBAsync();
        var session = await bed.Engine().StartAsync(bed.Request() with { PcapFilter = "udp", MaxPackets = 25 });

        CaptureBed.Send(sender, bed.Pair.AddressA, Port, 60);
        var result = await CaptureBed.CompletedAsync(session);

        result.Phase.ShouldBe(CapturePhase.Completed, result.Message);
        result.Reason.ShouldBe(CaptureReasons.MaxPacketsReached);
        var file = CaptureBed.CaptureFiles(await bed.ExtractAsync(result.ArtifactPath!)).ShouldHaveSingleItem();
        (await CaptureBed.SequencesAsync(file)).ShouldBe(Enumerable.Range(0, 25));
    }

    [KernelFact]
    public async Task Packet_size_truncates_every_packet_to_the_snap_length()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await bed.ListenOnAAsync(Port);
        var sender = await bed.BindOnBAsync();
        var session = await bed.Engine().StartAsync(bed.Request() with { PcapFilter = "udp", PacketSize = 100 });

        CaptureBed.Send(sender, bed.Pair.AddressA, Port, 10, payload: 500);
        await CaptureBed.WaitUntilAsync(() => session.Counters.Packets >= 10, "10 packets are written");
        var result = await session.StopAsync();

        var file = CaptureBed.CaptureFiles(await bed.ExtractAsync(result.ArtifactPath!)).ShouldHaveSingleItem();
        (await CaptureBed.TsharkFieldAsync(file, "frame.cap_len")).ShouldAllBe(l => l == "100");
        (await CaptureBed.TsharkFieldAsync(file, "frame.len")).ShouldAllBe(l => l == "542"); // 14 + 20 + 8 + 500
        result.Counters.Packets.ShouldBe(10);
    }

    [KernelFact]
    public async Task Max_capture_size_stops_the_capture_before_the_file_grows_past_it()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await bed.ListenOnAAsync(Port);
        var sender = await bed.BindOnBAsync();
        const int limit = 5_000;
        var session = await bed.Engine().StartAsync(bed.Request() with { PcapFilter = "udp", MaxCaptureSizeBytes = limit });

        CaptureBed.Send(sender, bed.Pair.AddressA, Port, 100, payload: 200);
        var result = await CaptureBed.CompletedAsync(session);

        result.Reason.ShouldBe(CaptureReasons.MaxCaptureSizeReached);
        var file = CaptureBed.CaptureFiles(await bed.ExtractAsync(result.ArtifactPath!)).ShouldHaveSingleItem();
        var size = new FileInfo(file).Length;
        size.ShouldBeLessThanOrEqualTo(limit);
        size.ShouldBeGreaterThan(limit - 258); // one more 242-byte frame (a 258-byte pcap record) would not have fitted
        (await CaptureBed.TsharkCountAsync(file)).ShouldBe((int)result.Counters.Packets);
    }

    [KernelFact]
    public async Task File_count_rotates_through_a_ring_of_files_keeping_the_newest_packets()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await bed.ListenOnAAsync(Port);
        var sender = await bed.BindOnBAsync();
        var session = await bed.Engine().StartAsync(bed.Request() with
        {
            PcapFilter = "udp",
            MaxCaptureSizeBytes = 10_000, // per file, as in Retina
            FileCount = 3,
            MaxPackets = 300,
        });

        CaptureBed.Send(sender, bed.Pair.AddressA, Port, 300, payload: 200);
        var result = await CaptureBed.CompletedAsync(session);

        result.Reason.ShouldBe(CaptureReasons.MaxPacketsReached);
        var files = CaptureBed.CaptureFiles(await bed.ExtractAsync(result.ArtifactPath!));
        files.Length.ShouldBe(3);
        files.ShouldAllBe(f => new FileInfo(f).Length <= 10_000);
        var sequences = new List<int>();
        foreach (var f in files)
        {
            sequences.AddRange(await CaptureBed.SequencesAsync(f));
        }

        sequences[^1].ShouldBe(299);
        sequences.ShouldBe(Enumerable.Range(sequences[0], sequences.Count)); // contiguous: whole old files were dropped
        sequences[0].ShouldBeGreaterThan(0);
    }

    [KernelFact]
    public async Task Duration_stops_the_capture_on_its_own()
    {
        await using var bed = await CaptureBed.CreateAsync();
        var session = await bed.Engine().StartAsync(bed.Request() with { Duration = TimeSpan.FromMilliseconds(500) });

        var result = await CaptureBed.CompletedAsync(session);

        result.Phase.ShouldBe(CapturePhase.Completed);
        result.Reason.ShouldBe(CaptureReasons.DurationElapsed);
        CaptureBed.CaptureFiles(await bed.ExtractAsync(result.ArtifactPath!)).ShouldHaveSingleItem();
    }

    [KernelFact]
    public async Task Include_and_exclude_filters_select_packets_by_address_and_port()
    {
        await using var bed = await CaptureBed.CreateAsync();
        int[] ports = [7101, 7102, 7103, 7104];
        foreach (var p in ports)
        {
            await bed.ListenOnAAsync(p);
        }

        var sender = await bed.BindOnBAsync();
        var session = await bed.Engine().StartAsync(bed.Request() with
        {
            IncludeFilters = [$"{bed.Pair.AddressA}:7101", "*:7102", "*:7103"],
            ExcludeFilters = ["*:7103"],
        });

        for (var i = 0; i < ports.Length; i++)
        {
            CaptureBed.Send(sender, bed.Pair.AddressA, ports[i], 10 * (i + 1));
        }

        await CaptureBed.WaitUntilAsync(() => session.Counters.Packets >= 30, "30 packets are written");
        var result = await session.StopAsync();

        var file = CaptureBed.CaptureFiles(await bed.ExtractAsync(result.ArtifactPath!)).ShouldHaveSingleItem();
        var dstPorts = await CaptureBed.TsharkFieldAsync(file, "udp.dstport");
        dstPorts.Count(p => p == "7101").ShouldBe(10);
        dstPorts.Count(p => p == "7102").ShouldBe(20);
        dstPorts.Length.ShouldBe(30);
    }

    [KernelFact]
    public async Task Destination_IPs_keep_one_direction_of_a_conversation()
    {
        await using var bed = await CaptureBed.CreateAsync();
        var onA = await bed.ListenOnAAsync(Port);
        var onB = await bed.BindOnBAsync(Port);
        var session = await bed.Engine().StartAsync(bed.Request() with { PcapFilter = "udp", DestinationIPs = [bed.Pair.AddressA] });

        CaptureBed.Send(onB, bed.Pair.AddressA, Port, 15);
        CaptureBed.Send(onA, bed.Pair.AddressB, Port, 25);
        await CaptureBed.WaitUntilAsync(() => session.Counters.Packets >= 15, "15 packets are written");
        var result = await session.StopAsync();

        var file = CaptureBed.CaptureFiles(await bed.ExtractAsync(result.ArtifactPath!)).ShouldHaveSingleItem();
        (await CaptureBed.TsharkFieldAsync(file, "ip.dst")).ShouldAllBe(ip => ip == bed.Pair.AddressA);
        (await CaptureBed.TsharkCountAsync(file)).ShouldBe(15);
    }

    [KernelFact]
    public async Task A_filter_libpcap_rejects_fails_the_capture_with_libpcaps_message()
    {
        await using var bed = await CaptureBed.CreateAsync();

        var session = await bed.Engine().StartAsync(bed.Request() with { PcapFilter = "udp prot 53" });
        var result = await CaptureBed.CompletedAsync(session);

        result.Phase.ShouldBe(CapturePhase.Failed);
        result.Reason.ShouldBe(CaptureReasons.InvalidFilter);
        result.Message.ShouldContain("invalid packet filter \"(udp prot 53)\"");
        result.Message.ShouldContain("syntax error");
    }

    [KernelFact]
    public async Task A_missing_interface_fails_the_capture_naming_what_exists()
    {
        await using var bed = await CaptureBed.CreateAsync();

        var result = await CaptureBed.CompletedAsync(await bed.Engine().StartAsync(bed.Request() with { Interfaces = ["eth9"] }));

        result.Phase.ShouldBe(CapturePhase.Failed);
        result.Reason.ShouldBe(CaptureReasons.InterfaceNotFound);
        result.Message.ShouldContain("\"eth9\"");
        result.Message.ShouldContain(bed.Pair.VethA);
    }

    [KernelFact]
    public async Task All_up_interfaces_are_captured_when_none_are_named()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await bed.ListenOnAAsync(Port);
        var sender = await bed.BindOnBAsync();
        var session = await bed.Engine().StartAsync(bed.Request() with { Interfaces = [], PcapFilter = "udp" });

        session.Interfaces.Select(i => i.Name).ShouldBe(["lo", bed.Pair.VethA], ignoreOrder: true);
        CaptureBed.Send(sender, bed.Pair.AddressA, Port, 12);
        await CaptureBed.WaitUntilAsync(() => session.Counters.Packets >= 12, "12 packets are written");
        var result = await session.StopAsync();

        var file = CaptureBed.CaptureFiles(await bed.ExtractAsync(result.ArtifactPath!)).ShouldHaveSingleItem();
        (await CaptureBed.TsharkFieldAsync(file, "frame.interface_name")).ShouldAllBe(n => n == bed.Pair.VethA);
        (await CaptureBed.TsharkCountAsync(file)).ShouldBe(12);
    }

    [KernelFact]
    public async Task Kernel_drops_are_counted_and_every_packet_is_either_written_or_dropped()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await bed.ListenOnAAsync(Port);
        var sender = await bed.BindOnBAsync();
        const int sent = 4000;
        var session = await bed.Engine().StartAsync(bed.Request() with { PcapFilter = "udp", RingBufferBytesPerInterface = 8192 });

        CaptureBed.Send(sender, bed.Pair.AddressA, Port, sent, payload: 1400);
        await CaptureBed.WaitUntilAsync(() => session.Counters is var c && c.KernelPackets == sent && c.Packets + c.KernelDrops == sent, "every packet is written or dropped");
        var result = await session.StopAsync();

        result.Counters.KernelDrops.ShouldBeGreaterThan(0);
        (result.Counters.Packets + result.Counters.KernelDrops).ShouldBe(sent);
        var file = CaptureBed.CaptureFiles(await bed.ExtractAsync(result.ArtifactPath!)).ShouldHaveSingleItem();
        (await CaptureBed.TsharkCountAsync(file)).ShouldBe((int)result.Counters.Packets);
    }

    [KernelFact]
    public async Task The_node_disk_budget_stops_a_capture_with_a_clear_reason_and_keeps_the_partial_capture()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await bed.ListenOnAAsync(Port);
        var sender = await bed.BindOnBAsync();
        var budget = new DiskBudget(20_000);
        var session = await bed.Engine(bed.Options() with { DiskBudget = budget }).StartAsync(bed.Request() with { PcapFilter = "udp" });

        CaptureBed.Send(sender, bed.Pair.AddressA, Port, 100, payload: 500);
        var result = await CaptureBed.CompletedAsync(session);

        result.Phase.ShouldBe(CapturePhase.Failed);
        result.Reason.ShouldBe(CaptureReasons.DiskBudgetExceeded);
        result.Message.ShouldContain("disk budget of 20000 bytes");
        result.Counters.Packets.ShouldBeGreaterThan(0);
        var file = CaptureBed.CaptureFiles(await bed.ExtractAsync(result.ArtifactPath!)).ShouldHaveSingleItem();
        new FileInfo(file).Length.ShouldBeLessThanOrEqualTo(20_000);
        (await CaptureBed.TsharkCountAsync(file)).ShouldBe((int)result.Counters.Packets);
        budget.UsedBytes.ShouldBe(0); // given back once the files were archived
    }
}
