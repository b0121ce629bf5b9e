using System.Runtime.InteropServices;
using Retina.Native.Libbpf;
using Retina.Native.Libc;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;

namespace Retina.NodeRuntime.Tests.Plugins.Dns;

/// <summary>
/// The counting rule of bpf/dns rests on what <c>__sk_buff.ingress_ifindex</c> holds at TC: this checks it on the
/// running kernel, by the programs' own tally (map retina_dns_copy) of every port-53 packet they saw.
/// </summary>
public sealed class DnsIngressIfindexTests
{
    [StructLayout(LayoutKind.Sequential)]
    private record struct CopyKey(uint Ifindex, uint IngressIfindex, uint Direction, uint Counted);

    private const uint Ingress = 0, Egress = 1;

    [KernelFact]
    public async Task Tc_sees_the_receiving_device_as_ingress_ifindex_of_forwarded_packets_and_zero_for_packets_the_host_sent()
    {
        await using var net = await PodNetwork.CreateAsync("dnif", 2);
        var (a, b) = (net.Pods[0], net.Pods[1]);
        var ifA = uint.Parse((await NetnsPair.ExecAsync(net.Node, "cat", $"/sys/class/net/{a.HostVeth}/ifindex")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var ifB = uint.Parse((await NetnsPair.ExecAsync(net.Node, "cat", $"/sys/class/net/{b.HostVeth}/ifindex")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        using var obj = BpfObject.Load(Path.Combine(AppContext.BaseDirectory, "bpf", "dns.bpf.o"));
        var links = await NetnsThread.RunOnceAsync(net.Node, () => new[]
        {
            obj.Program("retina_dns_ing").AttachTcx(ifA, ingress: true), obj.Program("retina_dns_egr").AttachTcx(ifA, ingress: false),
            obj.Program("retina_dns_ing").AttachTcx(ifB, ingress: true), obj.Program("retina_dns_egr").AttachTcx(ifB, ingress: false),
        });
        try
        {
            using var clientA = await NsUdp.BindAsync(a.Namespace, a.Address, 7631);
            using var serverB = await NsUdp.BindAsync(b.Namespace, b.Address, 53);
            using var node = await NsUdp.BindAsync(net.Node, net.NodeAddress, 7631);
            NsUdp.Send(clientA, b.Address, 53, 3); // pod → pod: forwarded by the node
            NsUdp.Drain(serverB, 3, TimeSpan.FromSeconds(5)).ShouldBe(3);
            NsUdp.Send(node, b.Address, 53, 2); // the node's own packets
            NsUdp.Drain(serverB, 2, TimeSpan.FromSeconds(5)).ShouldBe(2);
            NsUdp.Send(serverB, a.Address, 7631, 4); // answers from port 53, forwarded the other way
            NsUdp.Drain(clientA, 4, TimeSpan.FromSeconds(5)).ShouldBe(4);

            var map = obj.Map("retina_dns_copy");
            var expected = new Dictionary<CopyKey, ulong>
            {
                [new(ifA, ifA, Ingress, 1)] = 3, // at ingress, ingress_ifindex is the device itself
                [new(ifB, ifA, Egress, 0)] = 3, // forwarded: the device it came in by; not counted again
                [new(ifB, 0, Egress, 1)] = 2, // sent by the host: 0
                [new(ifB, ifB, Ingress, 1)] = 4,
                [new(ifA, ifB, Egress, 0)] = 4,
            };
            var seen = await Until.ValueAsync(
                () => Task.FromResult(map.Keys<CopyKey>().ToDictionary(k => k, k => map.TryLookup(k, out ulong v) ? v : 0)),
                s => s.Values.Sum(v => (long)v) >= 16,
                "all 16 copies are tallied");
            Render(seen).ShouldBe(Render(expected));
        }
        finally
        {
            foreach (var l in links)
            {
                l.Dispose();
            }
        }
    }

    private static string Render(Dictionary<CopyKey, ulong> copies) =>
        string.Join("\n", copies.Select(kv => $"{kv.Key}: {kv.Value}").Order(StringComparer.Ordinal));
}
