namespace Retina.Native.Libc;

/// <summary>Mounts tracefs and bpffs when absent, as a DaemonSet init would (classic tracepoints need tracefs).</summary>
public static class KernelFilesystems
{
    public const string TracefsPath = "/sys/kernel/tracing";
    public const string BpffsPath = "/sys/fs/bpf";

    public static bool IsMounted(string path, string fstype) =>
        File.ReadLines("/proc/self/mounts").Any(l =>
        {
            var f = l.Split(' ');
            return f.Length > 2 && f[1] == path && f[2] == fstype;
        });

    /// <summary>Ensures the filesystem is mounted; returns null on success or the reason it is not.</summary>
    public static string? EnsureMounted(string path, string fstype)
    {
        if (IsMounted(path, fstype))
        {
            return null;
        }

        Directory.CreateDirectory(path);
        return LibC.Mount(fstype, path, fstype, 0, 0) == 0 ? null : $"cannot mount {fstype} on {path}: {LibC.Describe(LibC.LastErrno)}";
    }
}
