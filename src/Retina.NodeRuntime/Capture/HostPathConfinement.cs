namespace Retina.NodeRuntime.Capture;

/// <summary>
/// Where a path really is, with every symbolic link on the way followed, and whether that is inside a base directory.
/// The node checks what it reports against the real base (the base itself may be a link, e.g. /var/log on another
/// disk); the controller checks the reported path again, lexically, before a copy Job mounts it.
/// </summary>
public static class HostPathConfinement
{
    private const int MaxLinks = 40; // as the kernel's ELOOP limit

    /// <summary>The absolute path with every link resolved (the parts that do not exist yet are kept as written).</summary>
    public static string RealPath(string path)
    {
        var links = 0;
        return Resolve(Path.GetFullPath(path), ref links);
    }

    /// <summary>True when <paramref name="path"/>, links resolved, is <paramref name="baseDirectory"/> (resolved) or under it.</summary>
    public static bool IsUnder(string path, string baseDirectory)
    {
        var root = RealPath(baseDirectory).TrimEnd('/');
        var real = RealPath(path).TrimEnd('/');
        return real == root || real.StartsWith(root + "/", StringComparison.Ordinal);
    }

    /// <summary>A regular file that is not a symbolic link (what we package and deliver; a link could point anywhere on the host).</summary>
    public static bool IsRegularFile(string path)
    {
        var info = new FileInfo(path);
        return info.Exists && info.LinkTarget is null && (info.Attributes & (FileAttributes.Directory | FileAttributes.Device | FileAttributes.ReparsePoint)) == 0;
    }

    private static string Resolve(string full, ref int links)
    {
        var current = "/";
        foreach (var segment in full.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, segment);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException($"{full}: too many levels of symbolic links");
            }

            current = Resolve(Path.GetFullPath(target, current), ref links);
        }

        return current;
    }
}
