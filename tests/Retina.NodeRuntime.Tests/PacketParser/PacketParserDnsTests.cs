using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;
using Retina.Native.Libbpf;
using Retina.NodeRuntime.Plugins.Dns;
using Retina.NodeRuntime.Tests.Plugins.Dns;
using Retina.Testing.Kernel;
using static Retina.NodeRuntime.Tests.AdvancedMetrics.AdvancedMetricsSpecs;
using static Retina.NodeRuntime.Tests.Plugins.Dns.DnsFrames;

namespace Retina.NodeRuntime.Tests.PacketParser;

/// <summary>packetparser's DNS reporting over TCP (length-prefixed messages) and IPv6.</summary>
public sealed class PacketParserDnsTests
{
    // struct pp_event: the DNS payload follows it; kind and payload_len sit after the 8-byte first_ns and the 44-byte key.
    private const int EventSize = 152, KindOffset = 52, PayloadLenOffset = 56, ProtoOffset = 44;
    private const byte DnsKind = 5;

    [StructLayout(LayoutKind.Sequential)]
    private struct Config
    {
        public uint Conntrack;
        public uint Sampling;
        public ulong ReportIntervalNs;
        public uint FilterIps;
        public uint Reserved;
    }

    [KernelFact]
    public async Task Dns_queries_over_tcp_are_counted_by_pod_once_each()
    {
        var spec = Spec(Option("dns_request_count", ["podname"], []), Option("dns_response_count", [], ["podname"]));
        await using var bed = await PodLevelBed.StartAsync("ppt", 2, spec);
        await using var dnsmasq = await Dnsmasq.StartAsync(bed.Network.Node, "10.9.8.6 tcp.retina.test\n", bed.Network.NodeAddress);
        var a = bed.Network.Pods[0];
        var server = new IPEndPoint(IPAddress.Parse(bed.Network.NodeAddress), 53);
        const int n = 4;
        for (var i = 0; i < n; i++)
        {
            (await DnsQueries.AskTcpAsync(a.Namespace, null, server, "tcp.retina.test", (ushort)(10 + i))).ShouldBe(0);
        }

        (await DnsQueries.AskTcpAsync(a.Namespace, null, server, "nope.retina.test", 20)).ShouldBe(3);

        await bed.WaitForAsync("networkobservability_adv_dns_request_count", n, ("source_podname", "pod-0"), ("query", "tcp.retina.test."), ("query_type", "A"));
        await bed.WaitForAsync("networkobservability_adv_dns_response_count", 1, ("destination_podname", "pod-0"), ("return_code", "NXDomain"), ("query", "nope.retina.test."));
        await bed.WaitForAsync("networkobservability_adv_dns_response_count", n, ("destination_podname", "pod-0"), ("return_code", "NoError"), ("response", "10.9.8.6"));
        var text = await bed.ScrapeAsync();
        AdvancedMetrics.SeriesLines.Sum(text, "networkobservability_adv_dns_request_count").ShouldBe(n + 1, "handshake and ACK segments are no messages");
        AdvancedMetrics.SeriesLines.Sum(text, "networkobservability_adv_dns_response_count").ShouldBe(n + 1);
    }

    [KernelFact]
    public void Dns_over_ipv6_udp_and_tcp_travels_with_its_payload_and_handshakes_do_not()
    {
        using var obj = BpfObject.Load(Path.Combine(AppContext.BaseDirectory, "bpf", "packetparser.bpf.o"));
        obj.Map("retina_pp_conf").Update(0u, new Config { Conntrack = 1, Sampling = 1, ReportIntervalNs = 1_000_000_000, FilterIps = 0 });
        var dns = new List<byte[]>();
        using var ring = new RingBuffer(obj.Map("retina_pp_evts"), r =>
        {
            if (r.Length >= EventSize && r[KindOffset] == DnsKind)
            {
                dns.Add(r.ToArray());
            }
        });
        var query = DnsParserTests.Query("six.retina.test", 28);
        byte[] framed = [(byte)(query.Length >> 8), (byte)query.Length, .. query];
        var program = obj.Program("retina_pp_ing");
        foreach (var frame in new[]
        {
            Ipv6(17, Udp(5353, 53, query)), Ipv6(6, Tcp(40000, 53, 0x02, [])), Ipv6(6, Tcp(40000, 53, 0x10, [], options: 12)),
            Ipv6(6, Tcp(40000, 53, 0x18, framed, options: 12)), Ipv4(6, Tcp(40001, 53, 0x18, framed)),
        })
        {
            program.TestRun(frame, 1).Retval.ShouldBe(-1);
        }

        ring.Consume();
        dns.Count.ShouldBe(3, "the UDP datagram and the two segments with payload");
        dns.Select(e => e[ProtoOffset]).ShouldBe([(byte)17, (byte)6, (byte)6]);
        dns[0].AsSpan(8, 16).ToArray().ShouldBe(Src6);
        Payload(dns[0]).ShouldBe(query);
        Payload(dns[1]).ShouldBe(framed);
        Payload(dns[2]).ShouldBe(framed);
        var messages = new List<DnsMessage>();
        DnsParser.ParseTcpSegment(Payload(dns[1]), messages).ShouldBe(1);
        messages[0].QueryTypeName.ShouldBe("AAAA");
    }

    private static byte[] Payload(byte[] e) => e.AsSpan(EventSize, (int)BinaryPrimitives.ReadUInt32LittleEndian(e.AsSpan(PayloadLenOffset))).ToArray();
}
