using System.Runtime.InteropServices;
using System.Text;
using Retina.Native.Libc;

namespace Retina.Native.Ethtool;

/// <summary>
/// Reads a driver's statistics (what <c>ethtool -S</c> prints) with the SIOCETHTOOL ioctl: ETHTOOL_GSSET_INFO
/// for the number of ETH_SS_STATS strings, ETHTOOL_GSTRINGS for their names, ETHTOOL_GSTATS for the values.
/// The socket, and so the interfaces it sees, belong to the network namespace of the thread that opened it.
/// </summary>
public sealed unsafe class EthtoolStats : IDisposable
{
    /// <summary>The most statistics read from one interface (real NICs have a few hundred; guards the buffers).</summary>
    public const int MaxStatistics = 8192;

    private const uint GetSsetInfo = 0x37;
    private const uint GetStrings = 0x1b;
    private const uint GetStats = 0x1d;
    private const int StringSetStats = 1;
    private const int StringLength = 32;
    private const int IfNameSize = 16;

    private readonly FileDescriptor socket;

    private EthtoolStats(FileDescriptor socket)
    {
        this.socket = socket;
    }

    /// <summary>Opens the ioctl socket in the calling thread's namespace.</summary>
    /// <exception cref="IOException">The socket could not be created.</exception>
    public static EthtoolStats Open()
    {
        var fd = EthtoolNative.Socket(EthtoolNative.AfInet, EthtoolNative.SockDgram | EthtoolNative.SockCloexec, 0);
        if (fd < 0)
        {
            throw new IOException("socket(AF_INET, SOCK_DGRAM) for ethtool: " + LibC.Describe(Marshal.GetLastPInvokeError()));
        }

        return new EthtoolStats(new FileDescriptor(fd));
    }

    /// <summary>
    /// The driver statistics of <paramref name="interfaceName"/>, in the driver's order. Null when they cannot be
    /// read; <paramref name="errno"/> then says why (EOPNOTSUPP when the driver has none, ENODEV when the interface is gone).
    /// </summary>
    public IReadOnlyList<(string Name, ulong Value)>? Read(string interfaceName, out int errno)
    {
        var count = Count(interfaceName, out errno);
        if (count <= 0)
        {
            return null;
        }

        var names = Strings(interfaceName, count, out errno);
        if (names is null)
        {
            return null;
        }

        var values = Values(interfaceName, names.Length, out errno);
        if (values is null)
        {
            return null;
        }

        var n = Math.Min(names.Length, values.Length);
        var result = new (string, ulong)[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = (names[i], values[i]);
        }

        return result;
    }

    private int Count(string interfaceName, out int errno)
    {
        // struct ethtool_sset_info { u32 cmd; u32 reserved; u64 sset_mask; u32 data[]; }: one set asked, one count back.
        var buf = stackalloc byte[24];
        new Span<byte>(buf, 24).Clear();
        *(uint*)buf = GetSsetInfo;
        *(ulong*)(buf + 8) = 1UL << StringSetStats;
        if (!Ioctl(interfaceName, buf, out errno))
        {
            return -1;
        }

        if ((*(ulong*)(buf + 8) & (1UL << StringSetStats)) == 0 || *(uint*)(buf + 16) == 0)
        {
            errno = LibC.EOPNOTSUPP;
            return 0;
        }

        return (int)Math.Min(*(uint*)(buf + 16), MaxStatistics);
    }

    private string[]? Strings(string interfaceName, int count, out int errno)
    {
        // struct ethtool_gstrings { u32 cmd; u32 string_set; u32 len; u8 data[len * ETH_GSTRING_LEN]; }
        var size = 12 + (count * StringLength);
        var buf = (byte*)NativeMemory.AllocZeroed((nuint)size);
        try
        {
            ((uint*)buf)[0] = GetStrings;
            ((uint*)buf)[1] = StringSetStats;
            ((uint*)buf)[2] = (uint)count;
            if (!Ioctl(interfaceName, buf, out errno))
            {
                return null;
            }

            var n = (int)Math.Min(((uint*)buf)[2], (uint)count);
            var names = new string[n];
            for (var i = 0; i < n; i++)
            {
                var s = new ReadOnlySpan<byte>(buf + 12 + (i * StringLength), StringLength);
                var end = s.IndexOf((byte)0);
                names[i] = Encoding.ASCII.GetString(end < 0 ? s : s[..end]);
            }

            return names;
        }
        finally
        {
            NativeMemory.Free(buf);
        }
    }

    private ulong[]? Values(string interfaceName, int count, out int errno)
    {
        // struct ethtool_stats { u32 cmd; u32 n_stats; u64 data[n_stats]; }
        var size = 8 + (count * 8);
        var buf = (byte*)NativeMemory.AllocZeroed((nuint)size);
        try
        {
            ((uint*)buf)[0] = GetStats;
            ((uint*)buf)[1] = (uint)count;
            if (!Ioctl(interfaceName, buf, out errno))
            {
                return null;
            }

            var n = (int)Math.Min(((uint*)buf)[1], (uint)count);
            return new ReadOnlySpan<ulong>(buf + 8, n).ToArray();
        }
        finally
        {
            NativeMemory.Free(buf);
        }
    }

    private bool Ioctl(string interfaceName, byte* data, out int errno)
    {
        // struct ifreq: char ifr_name[IFNAMSIZ]; then the union, whose ifr_data points at the ethtool command.
        var ifr = stackalloc byte[40];
        var span = new Span<byte>(ifr, 40);
        span.Clear();
        var written = Encoding.ASCII.GetBytes(interfaceName.AsSpan(0, Math.Min(interfaceName.Length, IfNameSize - 1)), span);
        span[written] = 0;
        *(nint*)(ifr + IfNameSize) = (nint)data;
        if (EthtoolNative.Ioctl(socket.Value, EthtoolNative.SiocEthtool, (nint)ifr) < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return false;
        }

        errno = 0;
        return true;
    }

    public void Dispose() => socket.Dispose();
}
