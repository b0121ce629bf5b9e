using System.Runtime.InteropServices;

namespace Retina.Native.Libpcap;

/// <summary>
/// Turns a tcpdump-style filter expression into classic BPF with libpcap's <c>pcap_compile</c> on a dead
/// handle: the same bytecode <c>tcpdump -dd</c> prints, with no process and no shell involved.
/// </summary>
public static unsafe class PcapFilterCompiler
{
    // Older libpcap releases kept compiler state in globals; one lock costs nothing at this call rate.
    private static readonly Lock Gate = new();

    /// <summary>Compiles <paramref name="filter"/>; the program's accept instructions return <paramref name="snapLength"/>, so the kernel truncates packets to it.</summary>
    /// <exception cref="PcapFilterException">libpcap rejected the expression.</exception>
    public static BpfInstruction[] Compile(string filter, PcapLinkType linkType, int snapLength, bool optimize = true)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(snapLength, 1);
        if (filter.Contains('\0'))
        {
            throw new PcapFilterException(filter.Replace('\0', ' '), "the expression contains a NUL character");
        }

        lock (Gate)
        {
            var pcap = PcapNative.OpenDead((int)linkType, snapLength);
            if (pcap == 0)
            {
                throw new InvalidOperationException("pcap_open_dead failed (out of memory)");
            }

            try
            {
                PcapNative.BpfProgram program;
                if (PcapNative.Compile(pcap, &program, filter, optimize ? 1 : 0, PcapNative.NetmaskUnknown) != 0)
                {
                    var error = Marshal.PtrToStringUTF8(PcapNative.GetError(pcap)) ?? "unknown error";
                    throw new PcapFilterException(filter, error);
                }

                try
                {
                    return new ReadOnlySpan<BpfInstruction>(program.Instructions, checked((int)program.Length)).ToArray();
                }
                finally
                {
                    PcapNative.FreeCode(&program);
                }
            }
            finally
            {
                PcapNative.Close(pcap);
            }
        }
    }
}
