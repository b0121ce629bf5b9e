using Retina.NodeRuntime.Capture;

namespace Retina.NodeRuntime.Tests.Capture;

/// <summary>Delivered host-path tarballs are cleaned by age and total size, oldest first, never those still needed.</summary>
public sealed class HostPathRetentionTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("retention-");

    private string Base => Path.Combine(root.FullName, "captures");

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public void Tarballs_past_the_age_go_and_younger_ones_stay()
    {
        var old = Tarball("team/out/old.tar.gz", 10, TimeSpan.FromDays(8));
        var young = Tarball("team/out/young.tar.gz", 10, TimeSpan.FromDays(1));

        var removed = new HostPathRetention(Base, TimeSpan.FromDays(7), long.MaxValue).Sweep(Now, new HashSet<string>());

        removed.Select(r => r.Path).ShouldBe([old]);
        removed[0].Why.ShouldBe("older than 168 h (Retina:NodeRuntime:HostPathRetentionHours)");
        File.Exists(old).ShouldBeFalse();
        File.Exists(young).ShouldBeTrue();
    }

    [Fact]
    public void Over_the_total_the_oldest_go_first_until_the_rest_fits()
    {
        var a = Tarball("a/1.tar.gz", 100, TimeSpan.FromHours(5));
        var b = Tarball("b/2.tar.gz", 100, TimeSpan.FromHours(4));
        var c = Tarball("a/3.tar.gz", 100, TimeSpan.FromHours(3));
        var d = Tarball("4.tar.gz", 100, TimeSpan.FromHours(2));

        var removed = new HostPathRetention(Base, TimeSpan.FromDays(7), 250).Sweep(Now, new HashSet<string>());

        removed.Select(r => r.Path).ShouldBe([a, b]);
        removed.ShouldAllBe(r => r.Why == "host-path tarballs over 250 bytes (Retina:NodeRuntime:HostPathRetentionMB), oldest first");
        File.Exists(c).ShouldBeTrue();
        File.Exists(d).ShouldBeTrue();
        Directory.Exists(Path.Combine(Base, "b")).ShouldBeFalse("an emptied directory goes too");
        Directory.Exists(Base).ShouldBeTrue("never the base");
    }

    [Fact]
    public void A_tarball_a_capture_still_needs_is_kept_and_still_counts_toward_the_total()
    {
        var pending = Tarball("pvc-staging/uid/waiting.tar.gz", 200, TimeSpan.FromDays(30));
        var other = Tarball("out/other.tar.gz", 100, TimeSpan.FromHours(1));

        var removed = new HostPathRetention(Base, TimeSpan.FromDays(7), 250).Sweep(Now, new HashSet<string> { pending });

        File.Exists(pending).ShouldBeTrue("its PVC copy Job has not read it yet");
        removed.Select(r => r.Path).ShouldBe([other], "the total counts the kept file, so the deletable one goes");
    }

    [Fact]
    public void Deliveries_in_progress_other_files_and_anything_behind_a_link_are_never_touched()
    {
        var partial = Tarball("out/.c.tar.gz.partial", 10, TimeSpan.FromDays(30));
        var hidden = Tarball("out/.c.tar.gz", 10, TimeSpan.FromDays(30));
        var pcap = Tarball("out/notes.pcap", 10, TimeSpan.FromDays(30));
        var outside = Directory.CreateDirectory(Path.Combine(root.FullName, "elsewhere")).FullName;
        var victim = Path.Combine(outside, "keep.tar.gz");
        File.WriteAllBytes(victim, new byte[10]);
        File.SetLastWriteTimeUtc(victim, Now.UtcDateTime.AddDays(-30));
        Directory.CreateSymbolicLink(Path.Combine(Base, "linked-dir"), outside);
        File.CreateSymbolicLink(Path.Combine(Base, "out", "link.tar.gz"), victim);

        var removed = new HostPathRetention(Base, TimeSpan.FromDays(7), 1).Sweep(Now, new HashSet<string>());

        removed.ShouldBeEmpty();
        File.Exists(partial).ShouldBeTrue();
        File.Exists(hidden).ShouldBeTrue();
        File.Exists(pcap).ShouldBeTrue();
        File.Exists(victim).ShouldBeTrue("retention never follows a link out of the base");
    }

    [Fact]
    public void A_missing_base_is_nothing_to_do() =>
        new HostPathRetention(Path.Combine(root.FullName, "absent"), TimeSpan.FromDays(1), 1).Sweep(Now, new HashSet<string>()).ShouldBeEmpty();

    private string Tarball(string relative, int bytes, TimeSpan age)
    {
        var path = Path.Combine(Base, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[bytes]);
        File.SetLastWriteTimeUtc(path, Now.UtcDateTime - age);
        return path;
    }
}
