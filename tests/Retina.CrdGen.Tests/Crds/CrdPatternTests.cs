using System.Text.Json.Nodes;
using Retina.Kube.Schema;
using Retina.Testing.FakeKubeApi;

namespace Retina.CrdGen.Tests.Crds;

/// <summary>A CRD pattern is run by Go's RE2 on a real server and by .NET here: ours stay where both agree.</summary>
public sealed class CrdPatternTests
{
    [Fact]
    public void Every_pattern_in_crds_is_in_the_common_subset_of_Go_and_NET_regular_expressions()
    {
        var patterns = RepositoryCrds.Schemas.Values.SelectMany(s => Patterns(s.Root)).Distinct().ToList();
        patterns.Count.ShouldBeGreaterThan(10);
        var problems = patterns.SelectMany(p => GoRegex.OutsideCommonSubset(p).Select(why => $"{p}: {why}")).ToList();
        problems.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("(?=a)b")]
    [InlineData("(?<!a)b")]
    [InlineData(@"(a)\1")]
    [InlineData("(?>a+)b")]
    [InlineData("a++")]
    [InlineData(@"abc\Z")]
    [InlineData(@"\bword\b")]
    [InlineData("(?P<n>a)")]
    [InlineData(@"[\S]")]
    public void Constructs_outside_the_common_subset_are_named(string pattern) =>
        GoRegex.OutsideCommonSubset(pattern).ShouldNotBeEmpty();

    [Theory]
    [InlineData("^[a-z]+$", @"^[a-z]+\z")]
    [InlineData(@"^[^;`$\r\n]*$", @"^[^;`$\r\n]*\z")]
    [InlineData(@"^\S+$", @"^[^\t\n\f\r ]+\z")]
    [InlineData(@"^[^\s]+$", @"^[^\t\n\f\r ]+\z")]
    [InlineData(@"^\d{1,5}\$", @"^[0-9]{1,5}\$")]
    [InlineData(@"[]a]$", @"[]a]\z")]
    public void Go_meaning_is_rewritten_for_NET(string go, string dotNet) => GoRegex.ToDotNet(go).ShouldBe(dotNet);

    private static IEnumerable<string> Patterns(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "pattern" && p.Value is JsonValue v ? [v.GetValue<string>()] : Patterns(p.Value)),
        JsonArray a => a.SelectMany(Patterns),
        _ => [],
    };
}
