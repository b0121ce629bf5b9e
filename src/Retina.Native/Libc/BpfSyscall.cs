using System.Runtime.InteropServices;

namespace Retina.Native.Libc;

/// <summary>
/// The raw bpf(2) commands libbpf 1.1 lacks: a tcx link is created with BPF_LINK_CREATE directly
/// (attach types BPF_TCX_INGRESS/EGRESS exist since Linux 6.6).
/// </summary>
public static unsafe class BpfSyscall
{
    private const long SysBpf = 321; // x86_64
    private const int BpfLinkCreate = 28;
    private const int BpfLinkDetach = 34;

    public const uint BpfTcxIngress = 46;
    public const uint BpfTcxEgress = 47;

    /// <summary>Attaches a SCHED_CLS program to an interface of the calling thread's namespace with tcx.</summary>
    /// <returns>The link descriptor; the program stays attached while it (or a pin) lives.</returns>
    public static FileDescriptor CreateTcxLink(int progFd, uint ifindex, uint attachType, out int errno)
    {
        // union bpf_attr.link_create: prog_fd, target_ifindex, attach_type, flags, then tcx
        // {relative_fd, expected_revision}: zero means "append, any revision".
        var attr = stackalloc byte[64];
        new Span<byte>(attr, 64).Clear();
        ((uint*)attr)[0] = (uint)progFd;
        ((uint*)attr)[1] = ifindex;
        ((uint*)attr)[2] = attachType;
        var fd = LibC.Syscall(SysBpf, BpfLinkCreate, (nint)attr, 64);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return new FileDescriptor((int)fd);
    }

    /// <summary>Detaches a link (even one held open elsewhere, e.g. by a pin).</summary>
    public static int DetachLink(int linkFd)
    {
        var attr = stackalloc byte[16];
        new Span<byte>(attr, 16).Clear();
        ((uint*)attr)[0] = (uint)linkFd;
        return LibC.Syscall(SysBpf, BpfLinkDetach, (nint)attr, 16) < 0 ? Marshal.GetLastPInvokeError() : 0;
    }
}
