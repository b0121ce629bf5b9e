using System.Runtime.InteropServices;

namespace Retina.Native.Ethtool;

/// <summary>The libc calls the ethtool ioctl needs: a datagram socket to issue it on, and ioctl itself.</summary>
internal static partial class EthtoolNative
{
    private const string Lib = "libc.so.6";

    public const int AfInet = 2;
    public const int SockDgram = 2;
    public const int SockCloexec = 0x80000;
    public const ulong SiocEthtool = 0x8946;

    [LibraryImport(Lib, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, ulong request, nint arg);
}
