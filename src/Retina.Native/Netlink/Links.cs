using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Retina.Native.Netlink;

/// <summary>
/// Lists the interfaces of the calling thread's network namespace with an rtnetlink dump
/// (RTM_GETLINK): kind, peer and master, which /sys (mounted by whoever mounted it) and
/// if_nameindex cannot tell.
/// </summary>
public static unsafe class Links
{
    private const int Eintr = 4;

    public static IReadOnlyList<LinkInfo> List()
    {
        var fd = NetlinkNative.Socket(NetlinkNative.AfNetlink, NetlinkNative.SockRaw | NetlinkNative.SockCloexec, NetlinkNative.NetlinkRoute);
        if (fd < 0)
        {
            throw new IOException(Error("socket(AF_NETLINK)"));
        }

        try
        {
            // nlmsghdr (16) + ifinfomsg (16, family AF_UNSPEC): dump every link
            Span<byte> request = stackalloc byte[32];
            request.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(request, 32);
            BinaryPrimitives.WriteUInt16LittleEndian(request[4..], NetlinkNative.RtmGetLink);
            BinaryPrimitives.WriteUInt16LittleEndian(request[6..], NetlinkNative.NlmFRequest | NetlinkNative.NlmFDump);
            BinaryPrimitives.WriteUInt32LittleEndian(request[8..], 1);
            fixed (byte* p = request)
            {
                if (NetlinkNative.Send(fd, p, 32, 0) != 32)
                {
                    throw new IOException(Error("send(RTM_GETLINK)"));
                }
            }

            var parser = new LinkMessageParser();
            var buffer = new byte[64 * 1024];
            while (!parser.Done)
            {
                nint n;
                fixed (byte* p = buffer)
                {
                    n = NetlinkNative.Recv(fd, p, (nuint)buffer.Length, 0);
                }

                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == Eintr)
                    {
                        continue;
                    }

                    throw new IOException(Error("recv(rtnetlink)"));
                }

                if (n == 0)
                {
                    break;
                }

                parser.Feed(buffer.AsSpan(0, (int)n));
            }

            if (parser.Error != 0)
            {
                throw new IOException($"RTM_GETLINK answered errno {parser.Error}");
            }

            return parser.Links;
        }
        finally
        {
            NetlinkNative.Close(fd);
        }
    }

    private static string Error(string call)
    {
        var errno = Marshal.GetLastPInvokeError();
        return $"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
    }
}
