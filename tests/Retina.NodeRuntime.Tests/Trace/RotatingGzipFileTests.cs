using System.Text;
using Microsoft.Extensions.Time.Testing;
using Retina.NodeRuntime.Trace;

namespace Retina.NodeRuntime.Tests.Trace;

public sealed class RotatingGzipFileTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("retina-rot-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void Files_rotate_at_the_compressed_size_and_exactly_fileCount_newest_are_kept()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 5, 0, 0, TimeSpan.Zero));
        var random = new Random(7);
        var written = new List<string>();
        using (var w = new RotatingGzipFile(dir, "t-node1", maxBytes: 4096, maxFiles: 3, time))
        {
            for (var i = 0; i < 1000; i++)
            {
                // Incompressible enough that a few flushes fill a file.
                var line = $"{{\"n\":{i},\"pad\":\"{Convert.ToHexString(BitConverter.GetBytes(random.NextInt64()))}{Convert.ToHexString(BitConverter.GetBytes(random.NextInt64()))}\"}}\n";
                written.Add(line.TrimEnd('\n'));
                w.Write(Encoding.UTF8.GetBytes(line));
                if (i % 10 == 9)
                {
                    w.Flush();
                    time.Advance(TimeSpan.FromSeconds(1));
                }
            }

            w.Files.Count.ShouldBe(3);
            w.Deleted.ShouldNotBeEmpty();
            w.Deleted.ShouldAllBe(d => !File.Exists(d));
        }

        var files = Directory.GetFiles(dir).Order(StringComparer.Ordinal).ToList();
        files.Count.ShouldBe(3);
        files.ShouldAllBe(f => Path.GetFileName(f).StartsWith("t-node1-20261202") && f.EndsWith("UTC.jsonl.gz"));
        foreach (var f in files.SkipLast(1))
        {
            // Rotated after the member that reached the size: within one flush (10 lines) of it.
            new FileInfo(f).Length.ShouldBeGreaterThanOrEqualTo(4096);
            new FileInfo(f).Length.ShouldBeLessThan(4096 + 1024);
        }

        // What is kept is the newest lines, in order, up to the last one written.
        var kept = files.SelectMany(TraceBed.ReadGzipLines).ToList();
        kept.ShouldBe(written.TakeLast(kept.Count));
    }

    [Fact]
    public void Files_an_earlier_run_left_count_toward_fileCount()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 5, 0, 0, TimeSpan.Zero));
        for (var run = 0; run < 3; run++)
        {
            using var w = new RotatingGzipFile(dir, "t-node1", maxBytes: 1 << 20, maxFiles: 2, time);
            w.Write("{}\n"u8);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .ShouldBe(["t-node1-20261202050100UTC.jsonl.gz", "t-node1-20261202050200UTC.jsonl.gz"]);
    }
}
