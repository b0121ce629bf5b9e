using System.Text.RegularExpressions;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Bpf;

/// <summary>
/// Retina's troubleshooting guide finds the agent's maps with `bpftool map list | grep retina`: every map we define is
/// named `retina_*`, within the kernel's 15 visible characters (BPF_OBJ_NAME_LEN) so bpftool shows it whole and no two
/// collide after truncation. Read from each shipped object's BTF `.maps` section, as libbpf names them.
/// </summary>
public sealed partial class BpfMapNamesTests
{
    private const int KernelVisibleChars = 15;

    public static TheoryData<string> Objects()
    {
        var data = new TheoryData<string>();
        foreach (var o in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "bpf"), "*.bpf.o").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(o));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Objects))]
    public async Task Every_map_is_named_retina_and_fits_the_kernels_name_length(string objectFile)
    {
        var dump = await Shell.RunAsync("bpftool", ["btf", "dump", "file", Path.Combine(AppContext.BaseDirectory, "bpf", objectFile)]);
        dump.ExitCode.ShouldBe(0, dump.StdErr);
        var maps = MapsSection().Match(dump.StdOut);
        maps.Success.ShouldBeTrue($"{objectFile} has no .maps section in its BTF");
        var names = MapVar().Matches(maps.Value).Select(m => m.Groups[1].Value).ToList();
        names.ShouldNotBeEmpty();
        foreach (var name in names)
        {
            name.ShouldStartWith("retina_", Case.Sensitive, $"{objectFile}: map {name} does not show under `bpftool map list | grep retina`");
            name.Length.ShouldBeLessThanOrEqualTo(KernelVisibleChars, $"{objectFile}: map {name} is longer than the kernel shows ({KernelVisibleChars} characters)");
        }
    }

    [GeneratedRegex(@"DATASEC '\.maps'[^\n]*\n(?:\t[^\n]*\n?)*")]
    private static partial Regex MapsSection();

    [GeneratedRegex(@"\(VAR '([^']+)'\)")]
    private static partial Regex MapVar();
}
