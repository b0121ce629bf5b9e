using System.Buffers.Binary;
using Retina.Native.Libbpf;
using Retina.NodeRuntime.Plugins.Dns;
using Retina.Testing.Kernel;
using static Retina.NodeRuntime.Tests.Plugins.Dns.DnsFrames;

namespace Retina.NodeRuntime.Tests.Plugins.Dns;

/// <summary>
/// bpf/dns run by the kernel on crafted frames (BPF_PROG_TEST_RUN): which packets become events and what an
/// event carries. Layouts a veth test cannot easily produce (IPv6 extension headers, fragments) live here.
/// </summary>
public sealed class DnsProgramTests : IDisposable
{
    private readonly BpfObject obj = BpfObject.Load(Path.Combine(AppContext.BaseDirectory, "bpf", "dns.bpf.o"));
    private readonly List<byte[]> events = [];
    private readonly RingBuffer ring;

    public DnsProgramTests() => ring = new RingBuffer(obj.Map("retina_dns_evts"), r => events.Add(r.ToArray()));

    [KernelFact]
    public void A_udp_query_over_ipv6_behind_extension_headers_becomes_one_event_with_its_addresses()
    {
        var query = DnsParserTests.Query("six.retina.test", 28);
        // hop-by-hop (8 bytes) → destination options (16 bytes) → UDP
        byte[] hopByHop = [60, 0, 1, 4, 0, 0, 0, 0];
        byte[] destination = [17, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        Run(Ipv6(0, [.. hopByHop, .. destination, .. Udp(5353, 53, query)])).ShouldBe(1);
        var e = events.Single();
        e[52].ShouldBe((byte)6, "ip_version");
        e[53].ShouldBe((byte)17, "protocol");
        e.AsSpan(16, 16).ToArray().ShouldBe(Src6);
        e.AsSpan(32, 16).ToArray().ShouldBe(Dst6);
        BinaryPrimitives.ReadUInt16LittleEndian(e.AsSpan(48)).ShouldBe((ushort)5353);
        BinaryPrimitives.ReadUInt16LittleEndian(e.AsSpan(50)).ShouldBe((ushort)53);
        Payload(e).ShouldBe(query);
        DnsParser.TryParse(Payload(e), out var m).ShouldBeTrue();
        m!.QueryName.ShouldBe("six.retina.test.");
    }

    [KernelFact]
    public void A_tcp_segment_with_a_framed_query_becomes_an_event_and_handshake_segments_do_not()
    {
        var query = DnsParserTests.Query("tcp.retina.test");
        byte[] framed = [(byte)(query.Length >> 8), (byte)query.Length, .. query];
        Run(Ipv4(6, Tcp(40000, 53, 0x02, []))).ShouldBe(0, "a SYN carries no message");
        Run(Ipv4(6, Tcp(53, 40000, 0x12, []))).ShouldBe(0, "nor a SYN-ACK");
        Run(Ipv4(6, Tcp(40000, 53, 0x10, [], options: 12))).ShouldBe(0, "nor an ACK with timestamps");
        Run(Ipv4(6, Tcp(40000, 53, 0x18, framed, options: 12))).ShouldBe(1);
        Run(Ipv6(6, Tcp(40000, 53, 0x18, framed))).ShouldBe(1);
        events.Count.ShouldBe(2);
        foreach (var e in events)
        {
            e[53].ShouldBe((byte)6, "protocol");
            Payload(e).ShouldBe(framed);
            var messages = new List<DnsMessage>();
            DnsParser.ParseTcpSegment(Payload(e), messages).ShouldBe(1);
            messages[0].QueryName.ShouldBe("tcp.retina.test.");
        }

        events[0][52].ShouldBe((byte)4);
        events[0].AsSpan(16, 16).ToArray().ShouldBe([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, .. Src4], "IPv4-mapped");
        events[1][52].ShouldBe((byte)6);
    }

    [KernelFact]
    public void Fragments_and_other_ports_are_not_copied()
    {
        var query = DnsParserTests.Query("frag.retina.test");
        byte[] fragment = [17, 0, 0, 1, 0, 0, 0, 7]; // IPv6 fragment header, offset 0, more fragments
        Run(Ipv6(44, [.. fragment, .. Udp(5353, 53, query)])).ShouldBe(0);
        Run(Ipv4(17, Udp(5353, 53, query), fragmentFlags: 0x2000)).ShouldBe(0);
        Run(Ipv4(17, Udp(5353, 5300, query))).ShouldBe(0);
        Run(Ipv6(17, Udp(5353, 5300, query))).ShouldBe(0);
        Run(Ipv4(17, Udp(5353, 53, query))).ShouldBe(1, "the same datagram unfragmented, to port 53");
    }

    private int Run(byte[] frame)
    {
        var before = events.Count;
        obj.Program("retina_dns_ing").TestRun(frame, 1).Retval.ShouldBe(-1, "TC programs never change a verdict");
        ring.Consume();
        return events.Count - before;
    }

    private static byte[] Payload(byte[] e) => e.AsSpan(56, (int)BinaryPrimitives.ReadUInt32LittleEndian(e)).ToArray();

    public void Dispose()
    {
        ring.Dispose();
        obj.Dispose();
    }
}
