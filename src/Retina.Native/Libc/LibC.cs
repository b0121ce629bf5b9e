using System.Runtime.InteropServices;

namespace Retina.Native.Libc;

/// <summary>The libc calls the node runtime needs: namespaces, mounts, descriptors, interfaces, raw syscalls.</summary>
public static partial class LibC
{
    private const string Lib = "libc.so.6";

    public const int O_RDONLY = 0;
    public const int O_CLOEXEC = 0x80000;
    public const int CLONE_NEWNET = 0x40000000;
    public const int ENOENT = 2;
    public const int EPERM = 1;
    public const int EINVAL = 22;
    public const int EOPNOTSUPP = 95;
    public const int EEXIST = 17;

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int nstype);

    [LibraryImport(Lib, EntryPoint = "unshare", SetLastError = true)]
    public static partial int Unshare(int flags);

    [LibraryImport(Lib, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mount(string source, string target, string fstype, nuint flags, nint data);

    [LibraryImport(Lib, EntryPoint = "if_nametoindex", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint IfNameToIndex(string name);

    [LibraryImport(Lib, EntryPoint = "if_nameindex", SetLastError = true)]
    internal static partial nint IfNameIndex();

    [LibraryImport(Lib, EntryPoint = "if_freenameindex")]
    internal static partial void IfFreeNameIndex(nint ptr);

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    internal static partial long Syscall(long number, long a1, nint a2, long a3);

    [LibraryImport(Lib, EntryPoint = "gettid")]
    public static partial int GetTid();

    [LibraryImport(Lib, EntryPoint = "strerror")]
    private static partial nint StrError(int errno);

    /// <summary>The errno of the last P/Invoke on this thread that set it.</summary>
    public static int LastErrno => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) =>
        $"{Marshal.PtrToStringUTF8(StrError(errno)) ?? "error"} (errno {errno})";

    /// <summary>Interfaces of the calling thread's network namespace, as (index, name).</summary>
    public static IReadOnlyList<(uint Index, string Name)> Interfaces()
    {
        var list = new List<(uint, string)>();
        var head = IfNameIndex();
        if (head == 0)
        {
            return list;
        }

        try
        {
            // struct if_nameindex { unsigned int if_index; char *if_name; } — 16 bytes on 64-bit
            for (var p = head; ; p += 16)
            {
                var index = (uint)Marshal.ReadInt32(p);
                if (index == 0)
                {
                    break;
                }

                list.Add((index, Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(p, 8)) ?? ""));
            }
        }
        finally
        {
            IfFreeNameIndex(head);
        }

        return list;
    }
}
