namespace Retina.NodeRuntime.Capture;

/// <summary>
/// Cleans delivered host-path tarballs (<c>*.tar.gz</c> under the capture base): first those older than
/// <see cref="MaxAge"/>, then, oldest first, until the rest fits in <see cref="MaxTotalBytes"/>. Never touches a file a
/// capture still assigned to this node reported (e.g. a tarball waiting for its PVC copy Job), a delivery in progress
/// (<c>.*.partial</c>), anything that is not a regular file, or anything reached through a symbolic link.
/// </summary>
public sealed class HostPathRetention(string baseDirectory, TimeSpan maxAge, long maxTotalBytes)
{
    public TimeSpan MaxAge { get; } = maxAge;

    public long MaxTotalBytes { get; } = maxTotalBytes;

    /// <summary>One deleted tarball and why.</summary>
    public sealed record Removal(string Path, long Bytes, string Why);

    public IReadOnlyList<Removal> Sweep(DateTimeOffset now, IReadOnlySet<string> keep)
    {
        if (!Directory.Exists(baseDirectory))
        {
            return [];
        }

        var walk = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        var tarballs = Directory.EnumerateFiles(baseDirectory, "*.tar.gz", walk)
            .Where(f => !Path.GetFileName(f).StartsWith('.') && !keep.Contains(f) && HostPathConfinement.IsRegularFile(f))
            .Select(f => new FileInfo(f))
            .OrderBy(f => f.LastWriteTimeUtc)
            .ThenBy(f => f.FullName, StringComparer.Ordinal)
            .ToList();
        var kept = Directory.EnumerateFiles(baseDirectory, "*.tar.gz", walk).Where(keep.Contains).Sum(f => new FileInfo(f).Length);
        var total = tarballs.Sum(f => f.Length) + kept;
        var removed = new List<Removal>();
        foreach (var file in tarballs)
        {
            var age = now - new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
            string? why = age > MaxAge
                ? $"older than {MaxAge.TotalHours:0.#} h (Retina:NodeRuntime:HostPathRetentionHours)"
                : total > MaxTotalBytes ? $"host-path tarballs over {MaxTotalBytes} bytes (Retina:NodeRuntime:HostPathRetentionMB), oldest first" : null;
            if (why is null)
            {
                continue;
            }

            long bytes;
            try
            {
                bytes = file.Length;
                file.Delete();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            total -= bytes;
            removed.Add(new Removal(file.FullName, bytes, why));
            RemoveEmptyParents(file.DirectoryName);
        }

        return removed;
    }

    private void RemoveEmptyParents(string? directory)
    {
        var root = Path.GetFullPath(baseDirectory).TrimEnd('/');
        try
        {
            while (directory is not null && directory.StartsWith(root + "/", StringComparison.Ordinal) && !Directory.EnumerateFileSystemEntries(directory).Any())
            {
                // Fails (and stops) if a delivery just put a file there; a delivery that loses its directory retries.
                Directory.Delete(directory);
                directory = Path.GetDirectoryName(directory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
