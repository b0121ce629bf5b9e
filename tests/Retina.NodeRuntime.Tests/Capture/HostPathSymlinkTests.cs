using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Retina.NodeRuntime.Capture;
using Retina.NodeRuntime.Capture.Outputs;
using Retina.Testing.Kernel;

namespace Retina.NodeRuntime.Tests.Capture;

/// <summary>Host paths stay confined under the base even when links are planted on the way (issue 10, item 7).</summary>
public sealed class HostPathSymlinkTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("hostpath-links-");

    private string Base => Path.Combine(root.FullName, "base");

    private string Outside => Path.Combine(root.FullName, "outside");

    public HostPathSymlinkTests()
    {
        Directory.CreateDirectory(Base);
        Directory.CreateDirectory(Outside);
    }

    public void Dispose() => root.Delete(recursive: true);

    [Theory]
    [InlineData("out")]
    [InlineData("team/out")]
    public async Task A_host_path_output_directory_that_links_out_of_the_base_is_refused(string relative)
    {
        var link = Path.Combine(Base, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        Directory.CreateSymbolicLink(link, Outside);

        var e = await Should.ThrowAsync<OutputPermanentException>(() => new HostPathOutput(Base, relative).DeliverAsync(Artifact("c.tar.gz", "pcap"), CancellationToken.None));
        e.Message.ShouldBe($"outputConfiguration.hostPath: \"{relative}\" goes through a symbolic link");
        Directory.EnumerateFileSystemEntries(Outside).ShouldBeEmpty("nothing lands outside the base");
    }

    [Fact]
    public async Task A_link_higher_up_the_path_is_refused_too()
    {
        Directory.CreateSymbolicLink(Path.Combine(Base, "team"), Outside);
        Directory.CreateDirectory(Path.Combine(Outside, "out"));

        var e = await Should.ThrowAsync<OutputPermanentException>(() => new HostPathOutput(Base, "team/out").DeliverAsync(Artifact("c.tar.gz", "pcap"), CancellationToken.None));
        e.Message.ShouldContain("goes through a symbolic link");
        Directory.EnumerateFileSystemEntries(Path.Combine(Outside, "out")).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("../outside", "contains \"..\"")]
    [InlineData("out/../../outside", "contains \"..\"")]
    [InlineData("/etc", "is absolute")]
    public async Task Dot_dot_and_absolute_host_paths_are_refused_with_the_field_named(string relative, string why)
    {
        var e = await Should.ThrowAsync<OutputPermanentException>(() => new HostPathOutput(Base, relative).DeliverAsync(Artifact("c.tar.gz", "pcap"), CancellationToken.None));
        e.Message.ShouldStartWith($"outputConfiguration.hostPath: \"{relative}\"");
        e.Message.ShouldContain(why);
        Directory.EnumerateFileSystemEntries(Outside).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_tarball_replaced_by_a_link_before_delivery_is_not_delivered()
    {
        var secret = Path.Combine(Outside, "shadow");
        await File.WriteAllTextAsync(secret, "root:secret-hash");
        var artifact = Artifact("c.tar.gz", "pcap");
        File.Delete(artifact.Path);
        File.CreateSymbolicLink(artifact.Path, secret);

        var e = await Should.ThrowAsync<OutputPermanentException>(() => new HostPathOutput(Base, "out").DeliverAsync(artifact, CancellationToken.None));
        e.Message.ShouldContain("is no longer a regular file");
        Directory.Exists(Path.Combine(Base, "out")).ShouldBeFalse("nothing was written");
    }

    [Fact]
    public async Task A_planted_link_at_the_partial_or_target_name_is_replaced_never_written_through()
    {
        var victim = Path.Combine(Outside, "victim");
        await File.WriteAllTextAsync(victim, "untouched");
        var directory = Directory.CreateDirectory(Path.Combine(Base, "out")).FullName;
        File.CreateSymbolicLink(Path.Combine(directory, ".c.tar.gz.partial"), victim);
        File.CreateSymbolicLink(Path.Combine(directory, "c.tar.gz"), victim);
        var artifact = Artifact("c.tar.gz", "pcap bytes");

        var location = await new HostPathOutput(Base, "out").DeliverAsync(artifact, CancellationToken.None);

        (await File.ReadAllTextAsync(victim)).ShouldBe("untouched");
        location.Location.ShouldBe(Path.Combine(directory, "c.tar.gz"));
        HostPathConfinement.IsRegularFile(location.Location).ShouldBeTrue("the link was replaced by the file");
        (await File.ReadAllTextAsync(location.Location)).ShouldBe("pcap bytes");
    }

    [Fact]
    public async Task A_base_that_is_itself_a_link_still_delivers_and_reports_under_the_base()
    {
        var linkedBase = Path.Combine(root.FullName, "linked-base");
        Directory.CreateSymbolicLink(linkedBase, Base);

        var location = await new HostPathOutput(linkedBase, "out").DeliverAsync(Artifact("c.tar.gz", "pcap"), CancellationToken.None);

        location.Location.ShouldBe(Path.Combine(linkedBase, "out", "c.tar.gz"));
        File.Exists(Path.Combine(Base, "out", "c.tar.gz")).ShouldBeTrue();
    }

    [Fact]
    public void Real_paths_follow_relative_links_and_stop_on_loops()
    {
        Directory.CreateDirectory(Path.Combine(Base, "real"));
        Directory.CreateSymbolicLink(Path.Combine(Base, "rel"), "real");
        Directory.CreateSymbolicLink(Path.Combine(Base, "up"), "../outside");
        HostPathConfinement.RealPath(Path.Combine(Base, "rel", "x")).ShouldBe(Path.Combine(HostPathConfinement.RealPath(Base), "real", "x"));
        HostPathConfinement.IsUnder(Path.Combine(Base, "rel", "x"), Base).ShouldBeTrue();
        HostPathConfinement.IsUnder(Path.Combine(Base, "up", "x"), Base).ShouldBeFalse();

        File.CreateSymbolicLink(Path.Combine(Base, "loop1"), "loop2");
        File.CreateSymbolicLink(Path.Combine(Base, "loop2"), "loop1");
        Should.Throw<IOException>(() => HostPathConfinement.RealPath(Path.Combine(Base, "loop1"))).Message.ShouldContain("too many levels of symbolic links");
    }

    [KernelFact]
    public async Task A_capture_file_replaced_by_a_link_before_packaging_is_left_out_and_noted()
    {
        await using var bed = await CaptureBed.CreateAsync();
        var secret = Path.Combine(Outside, "shadow");
        await File.WriteAllTextAsync(secret, "root:secret-hash");
        await bed.ListenOnAAsync(7302);
        var sender = await bed.BindOnBAsync();
        var session = await bed.Engine().StartAsync(bed.Request() with { PcapFilter = "udp" });
        CaptureBed.Send(sender, bed.Pair.AddressA, 7302, 5);
        await CaptureBed.WaitUntilAsync(() => session.Counters.Packets >= 5, "5 packets are written");
        var file = Directory.EnumerateFiles(bed.WorkDirectory, "*.pcap*", SearchOption.AllDirectories).First();
        File.Delete(file);
        File.CreateSymbolicLink(file, secret);

        var result = await session.StopAsync().WaitAsync(TimeSpan.FromMinutes(2));

        var entries = await EntriesAsync(result.ArtifactPath!);
        entries.ShouldNotContain(e => e.Type == TarEntryType.SymbolicLink, "no link goes into a tarball");
        entries.ShouldNotContain(e => e.Name == Path.GetFileName(file));
        entries.Single(e => e.Name == "capture.json").Text!.ShouldContain($"capture file {Path.GetFileName(file)} left out: it is no longer a regular file");
        entries.ShouldNotContain(e => e.Text != null && e.Text.Contains("secret-hash", StringComparison.Ordinal));
    }

    private CaptureArtifact Artifact(string name, string content)
    {
        var path = Path.Combine(root.FullName, "work-" + Guid.NewGuid().ToString("n")[..8]);
        File.WriteAllText(path, content);
        var bytes = File.ReadAllBytes(path);
        return new CaptureArtifact(path, name, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);
    }

    private static async Task<List<(string Name, TarEntryType Type, string? Text)>> EntriesAsync(string tarball)
    {
        var entries = new List<(string, TarEntryType, string?)>();
        await using var file = File.OpenRead(tarball);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            string? text = null;
            if (entry.DataStream is { } data)
            {
                using var reader = new StreamReader(data);
                text = await reader.ReadToEndAsync();
            }

            entries.Add((entry.Name, entry.EntryType, text));
        }

        return entries;
    }
}
