using System.Runtime.InteropServices;

namespace Retina.Native.Libpcap;

/// <summary>One classic BPF instruction; the same layout as libpcap's <c>bpf_insn</c> and the kernel's <c>sock_filter</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct BpfInstruction(ushort Code, byte JumpTrue, byte JumpFalse, uint K)
{
    public override string ToString() => $"{{ 0x{Code:x}, {JumpTrue}, {JumpFalse}, 0x{K:x8} }}";
}
