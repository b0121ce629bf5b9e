using System.Runtime.InteropServices;

namespace Retina.Native.Libc;

/// <summary>
/// What a local-mode shell launcher does to itself before it becomes the shell (execve): its own mount namespace,
/// the host's root at /host (read-only when asked), exactly the given capabilities in every set (bounding,
/// permitted, effective, inheritable, ambient) with root's implicit capabilities turned off, and a controlling
/// terminal. Capabilities and namespaces are per thread: call everything from one thread, the one that calls
/// <see cref="Exec"/>.
/// </summary>
public static partial class ShellConfinement
{
    private const string Lib = "libc.so.6";
    private const int CLONE_NEWNS = 0x00020000;
    private const nuint MS_BIND = 4096;
    private const nuint MS_REC = 16384;
    private const nuint MS_PRIVATE = 1 << 18;
    private const int PR_CAPBSET_DROP = 24;
    private const int PR_SET_SECUREBITS = 28;
    private const int PR_CAP_AMBIENT = 47;
    private const int PR_CAP_AMBIENT_RAISE = 2;
    private const int PR_SET_NO_NEW_PRIVS = 38;
    private const uint SECBIT_NOROOT = 1;
    private const uint SECBIT_NOROOT_LOCKED = 2;
    private const uint LinuxCapabilityVersion3 = 0x20080522;
    private const long SysMountSetattr = 442;
    private const int AT_FDCWD = -100;
    private const int AT_RECURSIVE = 0x8000;
    private const ulong MOUNT_ATTR_RDONLY = 1;
    private const nuint TIOCSCTTY = 0x540E;
    private const int O_RDWR = 2;
    private const int O_NOCTTY = 0x100;

    /// <summary>Capability names (without CAP_) and numbers, as in linux/capability.h.</summary>
    public static readonly IReadOnlyList<string> CapabilityNames =
    [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE",
        "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT",
        "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE",
        "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ",
        "PERFMON", "BPF", "CHECKPOINT_RESTORE",
    ];

    public static int CapabilityNumber(string name)
    {
        var n = CapabilityNames.ToList().IndexOf(name.StartsWith("CAP_", StringComparison.Ordinal) ? name[4..] : name);
        return n >= 0 ? n : throw new ArgumentException($"unknown capability {name}", nameof(name));
    }

    /// <summary>The bit mask of a set of capabilities, as /proc/PID/status prints it (CapEff etc., in hex).</summary>
    public static ulong Mask(IEnumerable<string> names) => names.Aggregate(0UL, (m, n) => m | (1UL << CapabilityNumber(n)));

    /// <summary>The capabilities this process could hand on: its bounding set (CapBnd of /proc/self/status).</summary>
    public static ulong BoundingMask()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("CapBnd:", StringComparison.Ordinal));
        return ulong.Parse(line["CapBnd:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A mount namespace of the calling thread's own, with no propagation back to the host.</summary>
    public static void EnterPrivateMountNamespace()
    {
        Check(LibC.Unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)");
        Check(MountRaw(null, "/", null, MS_REC | MS_PRIVATE, 0), "mount --make-rprivate /");
    }

    /// <summary>The host's root (with its submounts) at <paramref name="target"/>; read-only all the way down when asked.</summary>
    public static void BindHostRoot(string target, bool readOnly)
    {
        Directory.CreateDirectory(target);
        Check(MountRaw("/", target, null, MS_BIND | MS_REC, 0), $"mount --rbind / {target}");
        if (readOnly)
        {
            // A read-only remount of a bind changes only its top mount; mount_setattr(AT_RECURSIVE) covers /host/proc, /host/sys and the rest.
            var attr = new MountAttr { AttrSet = MOUNT_ATTR_RDONLY };
            Check((int)MountSetattr(SysMountSetattr, AT_FDCWD, target, AT_RECURSIVE, ref attr, (nuint)Marshal.SizeOf<MountAttr>()), $"mount_setattr({target}, RDONLY, AT_RECURSIVE)");
        }
    }

    /// <summary>
    /// Keeps exactly <paramref name="keep"/>: root's implicit capabilities off and locked (SECBIT_NOROOT), every other
    /// capability dropped from the bounding set, the rest set in permitted, effective and inheritable, then raised in
    /// the ambient set so the shell and every program it runs hold them after execve. No new privileges either
    /// (setuid binaries gain nothing).
    /// </summary>
    public static void LimitCapabilities(IReadOnlyCollection<string> keep)
    {
        var mask = Mask(keep);
        Check(Prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED, 0, 0, 0), "prctl(PR_SET_SECUREBITS, NOROOT)");
        var last = int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        for (var cap = 0; cap <= last; cap++)
        {
            if ((mask & (1UL << cap)) == 0)
            {
                Check(Prctl(PR_CAPBSET_DROP, (nuint)cap, 0, 0, 0), $"prctl(PR_CAPBSET_DROP, {cap})");
            }
        }

        var header = new CapHeader { Version = LinuxCapabilityVersion3, Pid = 0 };
        var data = new CapData[2];
        data[0] = new CapData { Effective = (uint)mask, Permitted = (uint)mask, Inheritable = (uint)mask };
        data[1] = new CapData { Effective = (uint)(mask >> 32), Permitted = (uint)(mask >> 32), Inheritable = (uint)(mask >> 32) };
        Check(Capset(ref header, data), "capset");
        foreach (var name in keep)
        {
            Check(Prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (nuint)CapabilityNumber(name), 0, 0), $"prctl(PR_CAP_AMBIENT_RAISE, {name})");
        }

        Check(Prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)");
    }

    /// <summary>Makes <paramref name="tty"/> the controlling terminal of a new session and the standard input, output and error.</summary>
    public static void UseTerminal(string tty)
    {
        if (SetSid() < 0 && LibC.LastErrno != LibC.EPERM)
        {
            Check(-1, "setsid");
        }

        var fd = OpenRaw(tty, O_RDWR);
        Check(fd, "open " + tty);
        Check(Ioctl(fd, TIOCSCTTY, 0), "ioctl(TIOCSCTTY)");
        for (var std = 0; std <= 2; std++)
        {
            Check(Dup2(fd, std), "dup2");
        }

        if (fd > 2)
        {
            LibC.Close(fd);
        }
    }

    /// <summary>Replaces this process with <paramref name="path"/>; returns only on failure (throws).</summary>
    public static void Exec(string path, IReadOnlyList<string> argv, IReadOnlyList<string> env)
    {
        var args = ToNative(argv);
        var envp = ToNative(env);
        Execve(path, args, envp);
        Check(-1, "execve " + path);
    }

    /// <summary>A new pseudo-terminal: the master's descriptor and the slave's path (/dev/pts/N).</summary>
    public static (int Master, string Slave) OpenPty()
    {
        var master = PosixOpenpt(O_RDWR | O_NOCTTY);
        Check(master, "posix_openpt");
        Check(Grantpt(master), "grantpt");
        Check(Unlockpt(master), "unlockpt");
        var buffer = new byte[128];
        Check(PtsnameR(master, buffer, (nuint)buffer.Length) == 0 ? 0 : -1, "ptsname_r");
        return (master, System.Text.Encoding.UTF8.GetString(buffer, 0, Array.IndexOf(buffer, (byte)0)));
    }

    /// <summary>Sends a signal; false when the process is already gone.</summary>
    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    private static nint[] ToNative(IReadOnlyList<string> values)
    {
        var result = new nint[values.Count + 1];
        for (var i = 0; i < values.Count; i++)
        {
            result[i] = Marshal.StringToCoTaskMemUTF8(values[i]);
        }

        return result;
    }

    private static void Check(int rc, string what)
    {
        if (rc < 0)
        {
            throw new InvalidOperationException($"{what}: {LibC.Describe(LibC.LastErrno)}");
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CapHeader
    {
        public uint Version;
        public int Pid;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CapData
    {
        public uint Effective;
        public uint Permitted;
        public uint Inheritable;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MountAttr
    {
        public ulong AttrSet;
        public ulong AttrClr;
        public ulong Propagation;
        public ulong UsernsFd;
    }

    [LibraryImport(Lib, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MountRaw(string? source, string target, string? fstype, nuint flags, nint data);

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long MountSetattr(long number, int dirfd, string path, int flags, ref MountAttr attr, nuint size);

    [LibraryImport(Lib, EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport(Lib, EntryPoint = "capset", SetLastError = true)]
    private static partial int Capset(ref CapHeader header, [In] CapData[] data);

    [LibraryImport(Lib, EntryPoint = "setsid", SetLastError = true)]
    private static partial int SetSid();

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenRaw(string path, int flags);

    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, nint arg);

    [LibraryImport(Lib, EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2(int oldFd, int newFd);

    [LibraryImport(Lib, EntryPoint = "execve", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Execve(string path, nint[] argv, nint[] envp);

    [LibraryImport(Lib, EntryPoint = "posix_openpt", SetLastError = true)]
    private static partial int PosixOpenpt(int flags);

    [LibraryImport(Lib, EntryPoint = "grantpt", SetLastError = true)]
    private static partial int Grantpt(int fd);

    [LibraryImport(Lib, EntryPoint = "unlockpt", SetLastError = true)]
    private static partial int Unlockpt(int fd);

    [LibraryImport(Lib, EntryPoint = "ptsname_r", SetLastError = true)]
    private static partial int PtsnameR(int fd, [Out] byte[] buffer, nuint length);

    [LibraryImport(Lib, EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
