using System.Diagnostics;
using Retina.Native.Libbpf;
using Retina.Native.Libc;
using Retina.Native.Netlink;
using Retina.NodeRuntime.Plugins.Interfaces;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Bench;

/// <summary>
/// What whole-node coverage costs, against the default-route-only attachment it replaced:
/// programs run per packet for each path through the node (from BPF_PROG_TEST_RUN per-run costs),
/// and the interface scan (rtnetlink dump + classification) that follows pods as they come and go.
/// </summary>
internal static class CoverageBench
{
    public static async Task RunAsync(bool quick)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "bpf");
        var repeat = quick ? 200_000 : 2_000_000;
        using var pf = BpfObject.Load(Path.Combine(dir, "packetforward.bpf.o"));
        using var dns = BpfObject.Load(Path.Combine(dir, "dns.bpf.o"));
        var udp = Packets.Frame(9000);
        var pfRun = Median(pf.Program("retina_pf_ing"), udp, repeat);
        var dnsRun = Median(dns.Program("retina_dns_ing"), udp, repeat);
        var both = pfRun + dnsRun;

        Console.WriteLine("Whole-node coverage: packetforward + dns runs per non-DNS packet (per-run cost from BPF_PROG_TEST_RUN)");
        Console.WriteLine($"  {"path",-34} {"default route only",20} {"every interface",18}");
        foreach (var (path, before, after) in new[]
                 {
                     ("pod -> pod on this node", 0, 2), ("pod -> remote node", 1, 2), ("remote -> pod", 1, 2), ("host process -> remote", 1, 1),
                 })
        {
            Console.WriteLine($"  {path,-34} {Cost(before, both),20} {Cost(after, both),18}");
        }

        Console.WriteLine($"  (one run of both programs: {both:F1} ns; \"default route only\" never saw pod -> pod traffic at all)");

        var pods = quick ? 20 : 100;
        await using var pair = await NetnsPair.CreateAsync("bcv");
        var batch = Path.GetTempFileName();
        await File.WriteAllLinesAsync(batch, Enumerable.Range(0, pods).Select(i => $"link add podv{i} netns {pair.NamespaceA} type veth peer name podp{i} netns {pair.NamespaceB}"));
        await Shell.CheckAsync("ip", "-batch", batch);
        File.Delete(batch);
        using var thread = NetnsThread.Start(pair.NamespaceA);
        var samples = await thread.RunAsync(() =>
        {
            var list = new List<double>();
            for (var i = 0; i < (quick ? 50 : 300); i++)
            {
                var sw = Stopwatch.StartNew();
                var links = Links.List();
                var uplinks = DefaultRoutes.Interfaces();
                var podCount = links.Count(l => InterfaceClassifier.Classify(l, uplinks).Role == InterfaceRole.Pod);
                sw.Stop();
                if (podCount < pods)
                {
                    throw new InvalidOperationException($"found {podCount} pod interfaces, expected {pods}");
                }

                list.Add(sw.Elapsed.TotalMicroseconds);
            }

            return list.Order().ToList();
        });
        var p50 = samples[samples.Count / 2];
        Console.WriteLine($"Interface scan with {pods + 2} interfaces ({pods} pods): p50 {p50:F0} us, p95 {samples[samples.Count * 95 / 100]:F0} us per scan;");
        Console.WriteLine($"  3 plugins rescanning every 1 s cost {3 * p50 / 10_000:F3} % of one core");
        Console.WriteLine();
    }

    private static string Cost(int runs, double perRun) => runs == 0 ? "not seen" : $"{runs} x = {runs * perRun:F0} ns";

    private static double Median(BpfProgram p, byte[] frame, int repeat)
    {
        p.TestRun(frame, repeat / 10);
        var runs = Enumerable.Range(0, 5).Select(_ => (double)p.TestRun(frame, repeat).NsPerRun).Order().ToList();
        return runs[2];
    }
}
