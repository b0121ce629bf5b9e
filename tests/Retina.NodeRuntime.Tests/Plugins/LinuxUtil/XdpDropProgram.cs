using System.Runtime.InteropServices;
using Retina.Native.Libc;

namespace Retina.NodeRuntime.Tests.Plugins.LinuxUtil;

/// <summary>
/// A two-instruction XDP program that drops every frame (r0 = XDP_DROP; exit), attached with a BPF link to an
/// interface of a test namespace. On a veth the receiving side counts each such frame in its driver statistic
/// rx_queue_0_xdp_drops, which makes a driver counter the test can drive to an exact value. Disposing detaches it.
/// </summary>
internal sealed class XdpDropProgram : IDisposable
{
    private const long SysBpf = 321; // x86_64
    private const int BpfProgLoad = 5;
    private const int BpfLinkCreate = 28;
    private const uint BpfProgTypeXdp = 6;
    private const uint BpfXdp = 37;

    private readonly FileDescriptor program;
    private readonly FileDescriptor link;

    private XdpDropProgram(FileDescriptor program, FileDescriptor link)
    {
        this.program = program;
        this.link = link;
    }

    // DllImport, not LibraryImport: the generated marshaller needs unsafe code, which this test project does not enable.
    [DllImport("libc.so.6", EntryPoint = "syscall", SetLastError = true)]
    private static extern long Syscall(long number, long cmd, nint attr, long size);

    public static async Task<XdpDropProgram> AttachAsync(string ns, string interfaceName)
    {
        using var t = NetnsThread.Start(ns);
        return await t.RunAsync(() => Attach(interfaceName));
    }

    private static XdpDropProgram Attach(string interfaceName)
    {
        var mem = Marshal.AllocHGlobal(256);
        try
        {
            // insns at +128: BPF_MOV64_IMM(BPF_REG_0, XDP_DROP = 1); BPF_EXIT_INSN(). License "GPL" at +160.
            var insns = mem + 128;
            var license = mem + 160;
            Marshal.WriteInt64(insns, 0xb7L | (1L << 32));
            Marshal.WriteInt64(insns, 8, 0x95L);
            Marshal.Copy("GPL\0"u8.ToArray(), 0, license, 4);
            Clear(mem, 128);
            Marshal.WriteInt32(mem, 0, (int)BpfProgTypeXdp);
            Marshal.WriteInt32(mem, 4, 2);
            Marshal.WriteInt64(mem, 8, insns);
            Marshal.WriteInt64(mem, 16, license);
            Marshal.WriteInt32(mem, 68, (int)BpfXdp); // expected_attach_type
            var prog = Syscall(SysBpf, BpfProgLoad, mem, 128);
            if (prog < 0)
            {
                throw new InvalidOperationException("BPF_PROG_LOAD xdp: " + LibC.Describe(Marshal.GetLastPInvokeError()));
            }

            var program = new FileDescriptor((int)prog);
            var ifindex = LibC.IfNameToIndex(interfaceName);
            Clear(mem, 128);
            Marshal.WriteInt32(mem, 0, (int)prog);
            Marshal.WriteInt32(mem, 4, (int)ifindex);
            Marshal.WriteInt32(mem, 8, (int)BpfXdp);
            var link = Syscall(SysBpf, BpfLinkCreate, mem, 64);
            if (link < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                program.Dispose();
                throw new InvalidOperationException($"BPF_LINK_CREATE xdp on {interfaceName} (ifindex {ifindex}): " + LibC.Describe(errno));
            }

            return new XdpDropProgram(program, new FileDescriptor((int)link));
        }
        finally
        {
            Marshal.FreeHGlobal(mem);
        }
    }

    private static void Clear(nint mem, int bytes)
    {
        for (var i = 0; i < bytes; i += 8)
        {
            Marshal.WriteInt64(mem, i, 0);
        }
    }

    public void Dispose()
    {
        link.Dispose();
        program.Dispose();
    }
}
