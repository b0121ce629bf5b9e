using System.Runtime.InteropServices;
using Retina.Native.Libc;

namespace Retina.Native.Libbpf;

/// <summary>A program of a loaded <see cref="BpfObject"/>; lives as long as its object.</summary>
public sealed class BpfProgram
{
    private readonly BpfObject owner;
    private readonly nint prog;

    internal BpfProgram(BpfObject owner, nint prog, string name)
    {
        this.owner = owner;
        this.prog = prog;
        Name = name;
    }

    public string Name { get; }

    public int Fd => LibbpfNative.ProgramFd(prog);

    /// <summary>Attaches to a classic tracepoint (needs tracefs mounted), e.g. ("skb", "kfree_skb").</summary>
    public BpfLink AttachTracepoint(string category, string name)
    {
        GC.KeepAlive(owner);
        var link = LibbpfNative.ProgramAttachTracepoint(prog, category, name);
        if (link == 0)
        {
            var e = Marshal.GetLastPInvokeError();
            throw new BpfException($"cannot attach {Name} to tracepoint {category}:{name}: {LibC.Describe(e)}", e);
        }

        return new BpfLink(link, $"tracepoint {category}:{name}");
    }

    /// <summary>Attaches to an interface of the calling thread's namespace with a tcx link.</summary>
    public TcxLink AttachTcx(uint ifindex, bool ingress)
    {
        var fd = BpfSyscall.CreateTcxLink(Fd, ifindex, ingress ? BpfSyscall.BpfTcxIngress : BpfSyscall.BpfTcxEgress, out var errno);
        if (fd.IsInvalid)
        {
            fd.SetHandleAsInvalid();
            throw new BpfException($"cannot attach {Name} with tcx to ifindex {ifindex}: {LibC.Describe(errno)}", errno);
        }

        return new TcxLink(fd, ifindex, ingress);
    }

    /// <summary>Attaches with a clsact filter (created if missing) on an interface of the calling thread's namespace.</summary>
    public ClsactFilter AttachClsact(uint ifindex, bool ingress) => ClsactFilter.Attach(Fd, ifindex, ingress, Name);

    /// <summary>Runs the program on <paramref name="packet"/> <paramref name="repeat"/> times in the kernel (BPF_PROG_TEST_RUN).</summary>
    /// <returns>The program's return value and the average nanoseconds per run.</returns>
    public unsafe (int Retval, uint NsPerRun) TestRun(ReadOnlySpan<byte> packet, int repeat)
    {
        fixed (byte* data = packet)
        {
            var opts = new LibbpfNative.TestRunOpts
            {
                Size = (nuint)sizeof(LibbpfNative.TestRunOpts),
                DataIn = (nint)data,
                DataSizeIn = (uint)packet.Length,
                Repeat = repeat,
            };
            var rc = LibbpfNative.ProgTestRunOpts(Fd, &opts);
            if (rc < 0)
            {
                throw new BpfException($"test run of {Name} failed: {LibC.Describe(-rc)}", -rc);
            }

            return ((int)opts.Retval, opts.Duration);
        }
    }
}
