using System.Runtime.InteropServices;
using System.Text;
using Retina.Native.Libc;

namespace Retina.Native.Libbpf;

/// <summary>What is loaded in the kernel: programs and links by id, with names, to tell ours from others'.</summary>
public static unsafe class BpfInventory
{
    public sealed record ProgramInfo(uint Id, uint Type, string Name);

    public sealed record LinkInfo(uint Id, uint Type, uint ProgId);

    public static IReadOnlyList<ProgramInfo> Programs()
    {
        var list = new List<ProgramInfo>();
        uint id = 0, next;
        while (LibbpfNative.ProgGetNextId(id, &next) == 0)
        {
            id = next;
            var info = Program(id);
            if (info is not null)
            {
                list.Add(info);
            }
        }

        return list;
    }

    public static ProgramInfo? Program(uint id)
    {
        var fd = LibbpfNative.ProgGetFdById(id);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            // struct bpf_prog_info: type at 0, id at 4, name[16] at 64
            var buf = stackalloc byte[256];
            new Span<byte>(buf, 256).Clear();
            uint len = 256;
            if (LibbpfNative.ObjGetInfoByFd(fd, buf, &len) != 0)
            {
                return null;
            }

            var name = new ReadOnlySpan<byte>(buf + 64, 16);
            var end = name.IndexOf((byte)0);
            return new ProgramInfo(((uint*)buf)[1], ((uint*)buf)[0], Encoding.UTF8.GetString(end < 0 ? name : name[..end]));
        }
        finally
        {
            LibC.Close(fd);
        }
    }

    public static IReadOnlyList<LinkInfo> Links()
    {
        var list = new List<LinkInfo>();
        var buf = stackalloc byte[128];
        uint id = 0, next;
        while (LibbpfNative.LinkGetNextId(id, &next) == 0)
        {
            id = next;
            var fd = LibbpfNative.LinkGetFdById(id);
            if (fd < 0)
            {
                continue;
            }

            try
            {
                // struct bpf_link_info: type at 0, id at 4, prog_id at 8
                new Span<byte>(buf, 128).Clear();
                uint len = 128;
                if (LibbpfNative.ObjGetInfoByFd(fd, buf, &len) == 0)
                {
                    list.Add(new LinkInfo(((uint*)buf)[1], ((uint*)buf)[0], ((uint*)buf)[2]));
                }
            }
            finally
            {
                LibC.Close(fd);
            }
        }

        return list;
    }

    internal static int LastError => Marshal.GetLastPInvokeError();
}
