using System.Runtime.InteropServices;

namespace Retina.Native.Libpcap;

/// <summary>The few libpcap entry points needed to compile a filter without a live handle.</summary>
internal static unsafe partial class PcapNative
{
    private const string Lib = "libpcap.so.0.8";

    /// <summary>libpcap's "netmask unknown": broadcast tests then fail to compile instead of guessing.</summary>
    public const uint NetmaskUnknown = 0xffffffff;

    [StructLayout(LayoutKind.Sequential)]
    public struct BpfProgram
    {
        public uint Length;
        public BpfInstruction* Instructions;
    }

    [LibraryImport(Lib, EntryPoint = "pcap_open_dead")]
    public static partial nint OpenDead(int linkType, int snapLength);

    [LibraryImport(Lib, EntryPoint = "pcap_close")]
    public static partial void Close(nint pcap);

    [LibraryImport(Lib, EntryPoint = "pcap_compile", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Compile(nint pcap, BpfProgram* program, string filter, int optimize, uint netmask);

    [LibraryImport(Lib, EntryPoint = "pcap_freecode")]
    public static partial void FreeCode(BpfProgram* program);

    [LibraryImport(Lib, EntryPoint = "pcap_geterr")]
    public static partial nint GetError(nint pcap);
}
