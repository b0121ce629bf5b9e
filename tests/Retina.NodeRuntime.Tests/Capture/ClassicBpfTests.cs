using System.Buffers.Binary;
using Retina.Native.Libpcap;
using Retina.NodeRuntime.Capture;

namespace Retina.NodeRuntime.Tests.Capture;

/// <summary>The user-space interpreter gives libpcap's programs the verdicts the kernel would.</summary>
public sealed class ClassicBpfTests
{
    /// <summary>Ethernet + IPv4 (20-byte header) + UDP, 10.0.0.1:1234 → 10.0.0.2:53, 8 bytes of payload.</summary>
    private static byte[] UdpFrame(int dstPort = 53)
    {
        var f = new byte[14 + 20 + 8 + 8];
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x0800);
        f[14] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(16), 36);
        f[22] = 64;
        f[23] = 17;
        f[26] = 10; f[29] = 1;
        f[30] = 10; f[33] = 2;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(34), 1234);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(36), (ushort)dstPort);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(38), 16);
        return f;
    }

    [Theory]
    [InlineData("udp port 53", true)]
    [InlineData("udp dst port 53 and src host 10.0.0.1", true)]
    [InlineData("tcp", false)]
    [InlineData("udp port 54", false)]
    [InlineData("host 10.0.0.9", false)]
    [InlineData("net 10.0.0.0/24 and greater 40", true)]
    [InlineData("ip[9] = 17 and udp[2:2] = 53", true)]
    [InlineData("", true)]
    public void A_udp_frame_gets_the_verdict_its_filter_describes(string filter, bool accepted)
    {
        var program = PcapFilterCompiler.Compile(filter, PcapLinkType.Ethernet, 300);
        var frame = UdpFrame();

        var keep = ClassicBpf.Run(program, frame, frame.Length);

        (keep > 0).ShouldBe(accepted);
        if (accepted)
        {
            keep.ShouldBe(300u);
        }
    }

    [Fact]
    public void A_load_past_the_end_of_the_packet_rejects_it_as_the_kernel_does()
    {
        var program = PcapFilterCompiler.Compile("udp[20] = 1", PcapLinkType.Ethernet, 300);
        var frame = UdpFrame();

        ClassicBpf.Run(program, frame, frame.Length).ShouldBe(0u);
    }
}
