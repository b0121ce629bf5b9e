using System.Security.Cryptography;
using Retina.Testing.Netns;
using Retina.Testing.Repo;

namespace Retina.NodeRuntime.Tests.Bpf;

/// <summary>
/// BPF objects and vmlinux.h are build outputs of `make bpf`, never edited or committed: these fail, naming the command
/// that fixes it, when what ships beside the runtime is older than its source or was built for another kernel.
/// </summary>
public sealed class BpfObjectFreshnessTests
{
    private static string Shipped => Path.Combine(AppContext.BaseDirectory, "bpf");

    public static TheoryData<string> Sources()
    {
        var data = new TheoryData<string>();
        foreach (var source in Directory.GetFiles(RepoPaths.Combine("bpf"), "*.bpf.c", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, source));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Every_bpf_program_ships_an_object_built_after_its_source_and_headers(string source)
    {
        var name = Path.GetFileName(source).Replace(".bpf.c", ".bpf.o", StringComparison.Ordinal);
        var shipped = Path.Combine(Shipped, name);
        File.Exists(shipped).ShouldBeTrue($"{name} is not beside the runtime: run `make bpf` (then build)");
        var built = File.GetLastWriteTimeUtc(RepoPaths.Combine(Path.ChangeExtension(Path.ChangeExtension(source, null), ".bpf.o")));
        var inputs = Directory.GetFiles(RepoPaths.Combine("bpf", "include"), "*.h").Append(RepoPaths.Combine(source));
        foreach (var input in inputs)
        {
            built.ShouldBeGreaterThanOrEqualTo(File.GetLastWriteTimeUtc(input), $"{name} is older than {Path.GetFileName(input)}: run `make bpf`");
        }

        SHA256.HashData(File.ReadAllBytes(shipped)).ShouldBe(
            SHA256.HashData(File.ReadAllBytes(RepoPaths.Combine(Path.ChangeExtension(Path.ChangeExtension(source, null), ".bpf.o")))),
            $"the {name} beside the runtime differs from bpf/: rebuild (`make build`)");
    }

    [Fact]
    public async Task Vmlinux_h_matches_the_running_kernels_btf()
    {
        if (!File.Exists("/sys/kernel/btf/vmlinux"))
        {
            Assert.Fail("this kernel has no BTF (/sys/kernel/btf/vmlinux): CO-RE objects cannot be built or loaded here");
        }

        var dump = await Shell.RunAsync("bpftool", ["btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c"]);
        dump.ExitCode.ShouldBe(0, dump.StdErr);
        File.ReadAllText(RepoPaths.Combine("bpf", "include", "vmlinux.h")).ShouldBe(dump.StdOut, "bpf/include/vmlinux.h is stale: `make -C bpf clean && make bpf`");
    }
}
