using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Retina.Native.Libbpf;

namespace Retina.PodMetrics.Bench;

/// <summary>Per-run cost of the packetparser TC program (BPF_PROG_TEST_RUN, repeatable), by path through it.</summary>
internal static class ProgramCostBench
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Config
    {
        public uint Conntrack;
        public uint Sampling;
        public ulong ReportIntervalNs;
        public uint FilterIps;
        public uint Reserved;
    }

    [System.Runtime.CompilerServices.InlineArray(16)]
    private struct Addr16
    {
        private byte element;
    }

    public static void Run(string objectPath, int repeat)
    {
        Console.WriteLine($"packetparser TC program, cost per run (BPF_PROG_TEST_RUN, {repeat:N0} runs, 64-byte UDP frame)");
        Console.WriteLine($"  {"path",-44} {"ns/run",8}");
        foreach (var (name, conntrack, interesting) in new[]
        {
            ("address not of interest (filtered out)", 1u, false),
            ("tracked connection (no event)", 1u, true),
            ("per-packet mode (one ring-buffer event; ring fills)", 0u, true),
        })
        {
            using var obj = BpfObject.Load(objectPath);
            obj.Map("retina_pp_conf").Update(0u, new Config { Conntrack = conntrack, Sampling = 1, ReportIntervalNs = 3_600_000_000_000, FilterIps = 1 });
            var frame = Frame();
            if (interesting)
            {
                Addr16 a = default;
                Span<byte> s = a;
                s[10] = 0xff;
                s[11] = 0xff;
                frame.AsSpan(26, 4).CopyTo(s[12..]);
                obj.Map("retina_pp_ips").Update(a, (byte)1);
            }

            var prog = obj.Program("retina_pp_ing");
            prog.TestRun(frame, 1000);
            var runs = new List<uint>();
            for (var i = 0; i < 5; i++)
            {
                runs.Add(prog.TestRun(frame, repeat).NsPerRun);
            }

            Console.WriteLine($"  {name,-44} {runs.Order().ElementAt(2),8}");
        }

        var empty = Path.Combine(Path.GetDirectoryName(objectPath)!, "bench.bpf.o");
        if (File.Exists(empty))
        {
            using var obj = BpfObject.Load(empty);
            var prog = obj.Program("retina_empty");
            prog.TestRun(Frame(), 1000);
            var runs = Enumerable.Range(0, 5).Select(_ => prog.TestRun(Frame(), repeat).NsPerRun).Order().ToList();
            Console.WriteLine($"  {"(reference: empty TC program)",-44} {runs[2],8}");
        }

        Console.WriteLine();
    }

    private static byte[] Frame()
    {
        var f = new byte[64];
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x0800);
        f[14] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(16), 50);
        f[22] = 64;
        f[23] = 17;
        new byte[] { 10, 200, 250, 1 }.CopyTo(f, 26);
        new byte[] { 10, 200, 250, 2 }.CopyTo(f, 30);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(34), 40000);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(36), 9000);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(38), 30);
        return f;
    }
}
