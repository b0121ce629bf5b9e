using Retina.Api.Capture;
using Retina.Native.Libpcap;

namespace Retina.NodeRuntime.Capture;

/// <summary>
/// pcap or pcapng for a set of interfaces: the file extension, the header and per-packet sizes (for exact limits), and
/// how to open a file. Classic pcap holds one link type: one interface keeps its own, several share Linux cooked v2
/// (LINKTYPE_LINUX_SLL2), which keeps each packet's interface index and direction, as <c>tcpdump -i any</c> writes.
/// </summary>
internal sealed class CaptureFileFormat
{
    private CaptureFileFormat(string name, IReadOnlyList<CaptureInterface> interfaces, int snapLength)
    {
        Name = name;
        Interfaces = interfaces;
        SnapLength = snapLength;
        Cooked = name == CaptureOption.FormatPcap && interfaces.Count > 1;
    }

    public string Name { get; }

    public IReadOnlyList<CaptureInterface> Interfaces { get; }

    public int SnapLength { get; }

    /// <summary>True for classic pcap over several interfaces: every packet gets an SLL2 header.</summary>
    public bool Cooked { get; }

    public string Extension => Name == CaptureOption.FormatPcapng ? ".pcapng" : ".pcap";

    public static CaptureFileFormat For(string? name, IReadOnlyList<CaptureInterface> interfaces, int snapLength) =>
        new(name == CaptureOption.FormatPcapng ? CaptureOption.FormatPcapng : CaptureOption.FormatPcap, interfaces, snapLength);

    public int HeaderLength => Name == CaptureOption.FormatPcapng ? PcapngFile.HeaderLength(Interfaces, SnapLength) : PcapFile.HeaderLength;

    /// <summary>Bytes one packet takes in the file, given what is kept of it and whether a stripped VLAN tag is put back.</summary>
    public int RecordLength(int interfaceId, int capturedLength, bool vlan) => Name == CaptureOption.FormatPcapng
        ? PcapngFile.PacketBlockLength(capturedLength + (vlan ? 4 : 0))
        : PcapFile.RecordLength(Cooked, Interfaces[interfaceId].LinkType, capturedLength, vlan, SnapLength);

    public ICaptureFile Open(string path) => Name == CaptureOption.FormatPcapng
        ? new PcapngFile(path, Interfaces, SnapLength)
        : new PcapFile(path, Interfaces, SnapLength, Cooked);

    /// <summary>True for files this engine writes (recovery after a restart looks for both formats).</summary>
    public static bool IsCaptureFile(string path) =>
        path.EndsWith(".pcap", StringComparison.Ordinal) || path.EndsWith(".pcapng", StringComparison.Ordinal);

    internal static ushort FileLinkType(PcapLinkType type) => PcapLinkTypes.FileValue(type);
}
