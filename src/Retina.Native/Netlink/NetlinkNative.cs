using System.Runtime.InteropServices;

namespace Retina.Native.Netlink;

/// <summary>libc calls for an rtnetlink socket.</summary>
internal static unsafe partial class NetlinkNative
{
    private const string Lib = "libc.so.6";

    public const int AfNetlink = 16;
    public const int SockRaw = 3;
    public const int SockCloexec = 0x80000;
    public const int NetlinkRoute = 0;
    public const ushort RtmGetLink = 18;
    public const ushort NlmFRequest = 0x1;
    public const ushort NlmFDump = 0x300;

    [LibraryImport(Lib, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, void* buffer, nuint length, int flags);

    [LibraryImport(Lib, EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, void* buffer, nuint length, int flags);
}
