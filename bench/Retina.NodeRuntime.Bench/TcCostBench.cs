using Retina.Native.Libbpf;

namespace Retina.NodeRuntime.Bench;

/// <summary>Per-run cost of each TC program with BPF_PROG_TEST_RUN, against an empty program.</summary>
internal static class TcCostBench
{
    public static void Run(bool quick)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "bpf");
        var repeat = quick ? 200_000 : 2_000_000;
        using var bench = BpfObject.Load(Path.Combine(dir, "bench.bpf.o"));
        using var pf = BpfObject.Load(Path.Combine(dir, "packetforward.bpf.o"));
        using var dns = BpfObject.Load(Path.Combine(dir, "dns.bpf.o"));
        var udp = Packets.Frame(9000);
        var syn = Packets.Frame(80, 0x02);
        var query = Packets.DnsQuery();

        // The dns ring buffer must be drained or reservations fail and the cheaper "lost" path is timed.
        long events = 0;
        using var ring = new RingBuffer(dns.Map("retina_dns_evts"), _ => events++);
        var draining = true;
        var drainer = new Thread(() =>
        {
            while (Volatile.Read(ref draining))
            {
                ring.Poll(10);
            }
        });
        drainer.Start();

        var empty = Median(bench.Program("retina_empty"), udp, repeat);
        var rows = new List<(string, double)>
        {
            ("packetforward ingress, UDP", Median(pf.Program("retina_pf_ing"), udp, repeat)),
            ("packetforward egress, TCP SYN", Median(pf.Program("retina_pf_egr"), syn, repeat)),
            ("dns ingress, non-DNS UDP", Median(dns.Program("retina_dns_ing"), udp, repeat)),
            ("dns egress, DNS query (ring buffer)", Median(dns.Program("retina_dns_egr"), query, repeat / 4)),
        };
        Volatile.Write(ref draining, false);
        drainer.Join();

        Console.WriteLine("TC program per-run cost (BPF_PROG_TEST_RUN, 64-byte frames, median of 5)");
        Console.WriteLine($"  {"program",-40} {"ns/run",8} {"empty",8} {"ratio",7}  target <= 2.00x");
        foreach (var (name, ns) in rows)
        {
            Console.WriteLine($"  {name,-40} {ns,8:F1} {empty,8:F1} {ns / empty,6:F2}x");
        }

        Console.WriteLine($"  (dns events drained during the run: {events})");
        Console.WriteLine();
    }

    private static double Median(BpfProgram p, byte[] frame, int repeat)
    {
        p.TestRun(frame, repeat / 10); // warm up
        var runs = Enumerable.Range(0, 5).Select(_ => (double)p.TestRun(frame, repeat).NsPerRun).Order().ToList();
        return runs[2];
    }
}
