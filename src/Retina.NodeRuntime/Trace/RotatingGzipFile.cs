using System.IO.Compression;

namespace Retina.NodeRuntime.Trace;

/// <summary>
/// A trace's <c>&lt;trace&gt;-&lt;node&gt;-&lt;YYYYMMDDhhmmss&gt;UTC.jsonl.gz</c> files in one directory. Every
/// <see cref="Flush"/> ends a gzip member (and one ends on its own every <see cref="MemberBytes"/> of input), so all
/// that was flushed is a complete member on disk: a runtime killed mid-trace leaves a file <c>zcat</c> reads up to
/// the last flush. After a member, a file that reached <c>maxBytes</c> compressed is closed and the next one opened;
/// at most <c>maxFiles</c> are kept, the oldest deleted first (files an earlier run left count too).
/// </summary>
public sealed class RotatingGzipFile : IDisposable
{
    /// <summary>Uncompressed bytes after which a member ends without waiting for the next flush.</summary>
    public const int MemberBytes = 256 * 1024;

    private readonly string directory;
    private readonly string prefix;
    private readonly long maxBytes;
    private readonly int? maxFiles;
    private readonly TimeProvider time;
    private readonly List<string> files;
    private readonly HashSet<string> used = new(StringComparer.Ordinal);
    private FileStream? file;
    private GZipStream? member;
    private long memberInput;
    private long closedBytes;

    /// <param name="prefix">&lt;trace&gt;-&lt;node&gt;, already safe for a file name.</param>
    public RotatingGzipFile(string directory, string prefix, long maxBytes, int? maxFiles, TimeProvider time)
    {
        this.directory = directory;
        this.prefix = prefix;
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
        this.time = time;
        Directory.CreateDirectory(directory);
        files = Directory.EnumerateFiles(directory, prefix + "-*UTC*.jsonl.gz").OrderBy(File.GetLastWriteTimeUtc).ThenBy(f => f, StringComparer.Ordinal).ToList();
    }

    /// <summary>Files kept, oldest first.</summary>
    public IReadOnlyList<string> Files => files;

    /// <summary>Files deleted to stay within the count.</summary>
    public List<string> Deleted { get; } = [];

    /// <summary>Compressed bytes written by this writer (files since deleted included).</summary>
    public long Bytes => closedBytes + (file?.Length ?? 0);

    /// <summary>Called with a file's path once it is closed for good (rotated, or at <see cref="Dispose"/>): uploads start there.</summary>
    public Action<string>? Closed { get; set; }

    /// <summary>
    /// Whether a file name (no directory) was used before elsewhere, e.g. already uploaded by an earlier run and since
    /// deleted from the node: a new file never takes such a name, so an upload never meets a different blob of the same name.
    /// </summary>
    public Func<string, bool>? Taken { get; set; }

    /// <summary>The path of the file being written (opened on the first write).</summary>
    public string? Current => file?.Name;

    public void Write(ReadOnlySpan<byte> line)
    {
        if (member is null)
        {
            file ??= Open();
            member = new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true);
        }

        member.Write(line);
        memberInput += line.Length;
        if (memberInput >= MemberBytes)
        {
            Flush();
        }
    }

    /// <summary>Ends the member (durable up to here) and rotates when the file is full.</summary>
    public void Flush()
    {
        if (member is null)
        {
            return;
        }

        member.Dispose();
        member = null;
        memberInput = 0;
        file!.Flush(flushToDisk: false);
        if (file.Length >= maxBytes)
        {
            Close();
        }
    }

    private FileStream Open()
    {
        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "UTC";
        var path = Path.Combine(directory, $"{prefix}-{stamp}.jsonl.gz");
        for (var n = 1; !Free(path); n++)
        {
            path = Path.Combine(directory, $"{prefix}-{stamp}-{n}.jsonl.gz");
        }

        while (maxFiles is { } max && files.Count >= max && files.Count > 0)
        {
            File.Delete(files[0]);
            Deleted.Add(files[0]);
            files.RemoveAt(0);
        }

        files.Add(path);
        used.Add(path);
        return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
    }

    /// <summary>Not on disk, not used by this writer before (an uploaded, deleted file), not taken elsewhere.</summary>
    private bool Free(string path) => !File.Exists(path) && !used.Contains(path) && Taken?.Invoke(Path.GetFileName(path)) != true;

    private void Close()
    {
        if (file is null)
        {
            return;
        }

        closedBytes += file.Length;
        var path = file.Name;
        file.Dispose();
        file = null;
        Closed?.Invoke(path);
    }

    public void Dispose()
    {
        Flush();
        Close();
    }
}
