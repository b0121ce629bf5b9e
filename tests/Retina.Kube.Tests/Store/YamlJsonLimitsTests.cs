using System.Text;
using Retina.Kube.Store;

namespace Retina.Kube.Tests.Store;

/// <summary>Hostile YAML ends as one <see cref="YamlInputException"/> for the input, never a crash or unbounded memory.</summary>
public sealed class YamlJsonLimitsTests
{
    [Theory]
    [InlineData("a: &a [*a]\n", "alias *a")]
    [InlineData("a: &a {b: *a}\n", "alias *a")]
    [InlineData("&a [x, [y, *a]]\n", "alias *a")]
    [InlineData("a: *nowhere\n", "alias *nowhere")]
    [InlineData("a: 1\na: 2\n", "already defined")]
    [InlineData("? [a]\n: b\n", "must be a scalar")]
    [InlineData("a: [1, 2\n", "")]
    public void Malformed_or_cyclic_yaml_is_one_error_for_the_input(string yaml, string message) =>
        Should.Throw<YamlInputException>(() => YamlJson.ParseAll(yaml)).Message.ShouldContain(message);

    [Fact]
    public void A_document_as_deep_as_the_reader_allows_is_written_back_whole()
    {
        var depth = YamlLimits.Default.MaxDepth - 1;
        var yaml = "a: " + new string('[', depth - 1) + "x" + new string(']', depth - 1) + "\n";

        var doc = YamlJson.ParseAll(yaml).ShouldHaveSingleItem();

        YamlJson.ParseAll(YamlJson.Write(doc)).ShouldHaveSingleItem().ToJsonString().ShouldBe(doc.ToJsonString());
    }

    [Fact]
    public void A_billion_laughs_is_refused_at_the_node_budget_without_expanding_it()
    {
        var yaml = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i <= 9; i++)
        {
            yaml.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }

        Should.Throw<YamlInputException>(() => YamlJson.ParseAll(yaml.ToString())).Message.ShouldContain("nodes after expanding aliases");
    }

    [Fact]
    public void An_alias_to_a_long_string_costs_its_length_each_time()
    {
        var yaml = $"a: &s {new string('x', 1_000_000)}\nb: [{string.Join(", ", Enumerable.Repeat("*s", 100))}]\n";
        Should.Throw<YamlInputException>(() => YamlJson.ParseAll(yaml, new YamlLimits { MaxExpandedChars = 10_000_000 }))
            .Message.ShouldContain("characters of scalars");
    }

    [Fact]
    public void Aliases_within_the_budget_expand_as_copies()
    {
        var doc = YamlJson.ParseAll("base: &b {x: 1}\nuse: [*b, *b]\n").Single();
        doc["use"]!.ToJsonString().ShouldBe("""[{"x":1},{"x":1}]""");
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{a: ", "}")]
    [InlineData("- ", "")]
    public void Nesting_past_the_depth_limit_is_refused_however_deep_it_goes(string open, string close)
    {
        // 100 000 levels would overflow any recursive converter; the reader stops at the limit.
        var yaml = "a: " + string.Concat(Enumerable.Repeat(open, 100_000)) + "x" + string.Concat(Enumerable.Repeat(close, 100_000));
        if (open == "- ")
        {
            yaml = string.Concat(Enumerable.Range(0, 1000).Select(i => new string(' ', i * 2) + "-\n")) + new string(' ', 2000) + "x\n";
        }

        Should.Throw<YamlInputException>(() => YamlJson.ParseAll(yaml)).Message.ShouldContain("deeper than 256");
    }

    [Fact]
    public void Nesting_at_the_depth_limit_reads()
    {
        var yaml = "a: " + new string('[', 255) + "x" + new string(']', 255);
        YamlJson.ParseAll(yaml).Single().ShouldNotBeNull();
    }

    [Fact]
    public void Oversized_binary_and_non_utf8_files_are_refused_before_parsing()
    {
        var dir = Directory.CreateTempSubdirectory("retina-yaml-limits-").FullName;
        try
        {
            var big = Path.Combine(dir, "big.yaml");
            File.WriteAllText(big, "a: " + new string('x', 2000));
            Should.Throw<YamlInputException>(() => YamlJson.ParseFile(big, new YamlLimits { MaxBytes = 1000 })).Message.ShouldContain("larger than the limit");

            var binary = Path.Combine(dir, "binary.yaml");
            File.WriteAllBytes(binary, [0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00]);
            Should.Throw<YamlInputException>(() => YamlJson.ParseFile(binary)).Message.ShouldContain("binary content");

            var latin1 = Path.Combine(dir, "latin1.yaml");
            File.WriteAllBytes(latin1, [.. "a: caf"u8, 0xe9, (byte)'\n']);
            Should.Throw<YamlInputException>(() => YamlJson.ParseFile(latin1)).Message.ShouldContain("not UTF-8");

            var bom = Path.Combine(dir, "bom.yaml");
            File.WriteAllBytes(bom, [0xef, 0xbb, 0xbf, .. "a: 1\n"u8]);
            YamlJson.ParseFile(bom).Single()["a"]!.GetValue<long>().ShouldBe(1);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Numbers_beyond_a_double_stay_strings_so_the_tree_still_serialises()
    {
        var doc = YamlJson.ParseAll("a: 1e999\n").Single();
        doc["a"]!.GetValue<string>().ShouldBe("1e999");
        YamlJson.Write(doc).ShouldContain("1e999");
    }
}
