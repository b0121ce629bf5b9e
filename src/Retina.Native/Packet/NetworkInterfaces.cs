using System.Runtime.InteropServices;
using System.Text;

namespace Retina.Native.Packet;

/// <summary>Lists the interfaces of the calling thread's network namespace (netlink and ioctl, not /sys, which belongs to whoever mounted it).</summary>
public static unsafe class NetworkInterfaces
{
    public static IReadOnlyList<NetworkInterfaceInfo> List()
    {
        var list = PacketNative.IfNameIndexList();
        if (list == null)
        {
            throw PacketException.FromLastError("if_nameindex");
        }

        var names = new List<(int Index, string Name)>();
        try
        {
            for (var p = list; p->Index != 0; p++)
            {
                names.Add(((int)p->Index, Marshal.PtrToStringUTF8((nint)p->Name) ?? ""));
            }
        }
        finally
        {
            PacketNative.IfFreeNameIndex(list);
        }

        var fd = PacketNative.Socket(PacketNative.AfInet, PacketNative.SockDgram | PacketNative.SockCloexec, 0);
        if (fd < 0)
        {
            throw PacketException.FromLastError("socket(AF_INET)");
        }

        using var socket = new SafePacketSocketHandle(fd);
        var result = new List<NetworkInterfaceInfo>(names.Count);
        foreach (var (index, name) in names)
        {
            var flags = Query(fd, name, PacketNative.SiocGifFlags);
            var hardware = Query(fd, name, PacketNative.SiocGifHwAddr);
            if (flags is null || hardware is null)
            {
                continue; // gone between the two calls
            }

            result.Add(new NetworkInterfaceInfo(index, name, (flags.Value & PacketNative.IffUp) != 0, hardware.Value));
        }

        return result;
    }

    private static ushort? Query(int fd, string name, ulong request)
    {
        var req = default(PacketNative.IfReq);
        var bytes = Encoding.UTF8.GetBytes(name);
        if (bytes.Length >= 16)
        {
            return null;
        }

        bytes.CopyTo(new Span<byte>(req.Name, 16));
        return PacketNative.Ioctl(fd, request, &req) == 0 ? req.Union0 : null;
    }
}
