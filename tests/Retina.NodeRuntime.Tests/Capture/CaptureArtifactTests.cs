using System.Security.Cryptography;
using System.Text.Json;
using Retina.NodeRuntime.Capture;
using Retina.Testing.Kernel;

namespace Retina.NodeRuntime.Tests.Capture;

/// <summary>What the tarball holds and where the host-path output puts it.</summary>
public sealed class CaptureArtifactTests
{
    private const int Port = 7201;

    [KernelFact]
    public async Task The_tarball_holds_the_capture_the_manifest_and_the_namespaces_network_state()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await bed.ListenOnAAsync(Port);
        var sender = await bed.BindOnBAsync();
        var session = await bed.Engine().StartAsync(bed.Request() with { PcapFilter = "udp", IncludeMetadata = true, MetadataScope = CaptureMetadataScope.Node });
        CaptureBed.Send(sender, bed.Pair.AddressA, Port, 5);
        await CaptureBed.WaitUntilAsync(() => session.Counters.Packets >= 5, "5 packets are written");

        var result = await session.StopAsync();
        var dir = await bed.ExtractAsync(result.ArtifactPath!);

        foreach (var f in new[] { "capture.json", "ip-resources.txt", "iptables-rules.txt", "socket-stats.txt", "proc-net/dev", "proc-net/snmp", "proc-sys-net/ipv4/ip_forward" })
        {
            File.Exists(Path.Combine(dir, f)).ShouldBeTrue(f);
        }

        // Collected inside the node's namespace, not the test runner's.
        File.ReadAllText(Path.Combine(dir, "ip-resources.txt")).ShouldContain(bed.Pair.AddressA);
        File.ReadAllText(Path.Combine(dir, "proc-net", "dev")).ShouldContain(bed.Pair.VethA);
        Directory.Exists(Path.Combine(dir, "proc-sys-net", "ipv4", "conf", bed.Pair.VethA)).ShouldBeTrue();
        File.ReadAllText(Path.Combine(dir, "socket-stats.txt")).ShouldContain($"{bed.Pair.AddressA}:{Port}");

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "capture.json")));
        var root = manifest.RootElement;
        root.GetProperty("node").GetProperty("name").GetString().ShouldBe("node-a");
        root.GetProperty("node").GetProperty("kernel").GetString().ShouldBe(File.ReadAllText("/proc/sys/kernel/osrelease").Trim());
        root.GetProperty("counters").GetProperty("packets").GetInt64().ShouldBe(5);
        root.GetProperty("counters").GetProperty("kernelDrops").GetInt64().ShouldBe(0);
        root.GetProperty("spec").GetProperty("pcapFilter").GetString().ShouldBe("udp");
        root.GetProperty("timings").GetProperty("firstPacketAt").GetDateTimeOffset().ShouldBeGreaterThanOrEqualTo(root.GetProperty("timings").GetProperty("startedAt").GetDateTimeOffset());
        root.GetProperty("stop").GetProperty("reason").GetString().ShouldBe(CaptureReasons.Stopped);
    }

    [KernelFact]
    public async Task Without_metadata_the_tarball_holds_only_the_capture_and_the_manifest()
    {
        await using var bed = await CaptureBed.CreateAsync();
        var session = await bed.Engine().StartAsync(bed.Request() with { IncludeMetadata = false });

        var result = await session.StopAsync();
        var dir = await bed.ExtractAsync(result.ArtifactPath!);

        Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).ShouldBe(["capture.json", "capture.log", result.CaptureFiles.ShouldHaveSingleItem()], ignoreOrder: true);
    }

    [KernelFact]
    public async Task The_metadata_has_the_contents_retinas_users_parse_and_a_capture_log()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await bed.ListenOnAAsync(Port);
        var session = await bed.Engine().StartAsync(bed.Request() with { PcapFilter = "udp", IncludeMetadata = true, MetadataScope = CaptureMetadataScope.Node });
        var result = await session.StopAsync();
        var dir = await bed.ExtractAsync(result.ArtifactPath!);

        // ip -d -j addr show: JSON, as Retina bundles it; scripts read addresses from it.
        var ip = File.ReadAllText(Path.Combine(dir, "ip-resources.txt"));
        using (var addresses = JsonDocument.Parse(Section(ip, "ip -d -j addr show")))
        {
            addresses.RootElement.EnumerateArray().SelectMany(l => l.GetProperty("addr_info").EnumerateArray()).Select(a => a.GetProperty("local").GetString())
                .ShouldContain(bed.Pair.AddressA);
        }

        JsonDocument.Parse(Section(ip, "ip -d -j neighbor show")).Dispose();
        // iptables -vnx -L: rules with their packet and byte counters.
        Section(File.ReadAllText(Path.Combine(dir, "iptables-rules.txt")), "iptables -vnx -L").ShouldContain("pkts");
        Section(File.ReadAllText(Path.Combine(dir, "socket-stats.txt")), "ss -tapionume").ShouldContain("State");
        // proc-net is copied recursively, as Retina's cp -r /proc/self/net.
        File.Exists(Path.Combine(dir, "proc-net", "stat", "rt_cache")).ShouldBeTrue();
        File.Exists(Path.Combine(dir, "proc-net", "dev_snmp6", bed.Pair.VethA)).ShouldBeTrue();
        var log = File.ReadAllText(Path.Combine(dir, "capture.log"));
        log.ShouldContain("filter: (udp)");
        log.ShouldContain($"stopped: {CaptureReasons.Stopped}");
    }

    private static string Section(string text, string command)
    {
        var header = $"### {command}\n";
        var start = text.IndexOf(header, StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, $"{command} is in the file");
        var body = text[(start + header.Length)..];
        var end = body.IndexOf("\n### ", StringComparison.Ordinal);
        return (end < 0 ? body : body[..end]).Trim();
    }

    [KernelFact]
    public async Task A_host_path_output_receives_an_identical_copy_under_the_base_directory()
    {
        await using var bed = await CaptureBed.CreateAsync();
        var session = await bed.Engine(bed.Options() with { KeepLocalArtifacts = false }).StartAsync(bed.Request() with { HostPath = new HostPathOutputTarget("team-a/run1") });

        var result = await session.StopAsync();

        result.Phase.ShouldBe(CapturePhase.Completed, result.Message);
        var copy = Path.Combine(bed.HostPathBase, "team-a", "run1", result.ArtifactName!);
        result.Artifacts.ShouldHaveSingleItem().ShouldBe(new CaptureArtifactLocation("hostPath", copy));
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(copy))).ShouldBe(result.Sha256);
        result.ArtifactPath.ShouldBeNull(); // the local copy is gone once delivered
        Directory.GetFiles(bed.WorkDirectory, "*", SearchOption.AllDirectories).ShouldBeEmpty();
        Directory.GetFiles(Path.GetDirectoryName(copy)!).ShouldHaveSingleItem(); // no partial file left behind
    }

    [KernelTheory]
    [InlineData("../escape")]
    [InlineData("/etc")]
    [InlineData("a/../../b")]
    public async Task A_host_path_that_would_leave_the_base_directory_fails_the_upload_and_keeps_the_local_artifact(string path)
    {
        await using var bed = await CaptureBed.CreateAsync();
        var session = await bed.Engine().StartAsync(bed.Request() with { HostPath = new HostPathOutputTarget(path) });

        var result = await session.StopAsync();

        result.Phase.ShouldBe(CapturePhase.Failed);
        result.Reason.ShouldBe(CaptureReasons.UploadFailed);
        result.Message.ShouldContain("outputConfiguration.hostPath");
        File.Exists(result.ArtifactPath).ShouldBeTrue();
        result.Artifacts.ShouldBeEmpty();
    }
}
