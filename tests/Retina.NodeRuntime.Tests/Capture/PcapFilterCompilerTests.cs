using Retina.Native.Libpcap;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Capture;

public sealed class PcapFilterCompilerTests
{
    [KernelFact] // tcpdump opens an interface to learn its link type: root only
    public async Task Compiled_bytecode_is_what_tcpdump_prints_for_the_same_filter()
    {
        var ours = PcapFilterCompiler.Compile("udp port 53 and host 10.0.0.1", PcapLinkType.Ethernet, 262144);

        var r = await Shell.RunAsync("tcpdump", ["-dd", "-y", "EN10MB", "-i", "lo", "udp port 53 and host 10.0.0.1"]);
        r.ExitCode.ShouldBe(0, r.StdErr);
        var theirs = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().TrimEnd(',')).ToArray();

        ours.Select(i => i.ToString()).ToArray().ShouldBe(theirs);
    }

    [Fact]
    public void The_snap_length_is_what_an_accepted_packet_returns()
    {
        var program = PcapFilterCompiler.Compile("", PcapLinkType.Ethernet, 96);

        program.ShouldHaveSingleItem().ShouldBe(new BpfInstruction(0x06, 0, 0, 96));
    }

    [Fact]
    public void A_bad_filter_is_rejected_with_libpcaps_own_message()
    {
        var e = Should.Throw<PcapFilterException>(() => PcapFilterCompiler.Compile("udp prot 53", PcapLinkType.Ethernet, 65535));

        e.Message.ShouldContain("udp prot 53");
        e.PcapMessage.ShouldContain("syntax error");
    }

    [Fact]
    public void Raw_IP_interfaces_compile_without_a_link_header()
    {
        var program = PcapFilterCompiler.Compile("ip", PcapLinkType.Raw, 65535);

        program.Length.ShouldBeGreaterThan(1);
        Should.Throw<PcapFilterException>(() => PcapFilterCompiler.Compile("ether host 00:11:22:33:44:55", PcapLinkType.Raw, 65535));
    }
}
