using System.Text.Json.Nodes;
using Retina.Kube.Store;

namespace Retina.CrdGen.Tests.Yaml;

public sealed class Yaml11QuotingTests
{
    /// <summary>Strings YAML 1.1 resolves as booleans, nulls, numbers, timestamps, merge or value keys, in keys and values.</summary>
    private static readonly string[] Tricky =
    [
        "=", "<<", "~", "", "null", "Null", "NULL", "y", "Y", "n", "N", "yes", "Yes", "YES", "no", "NO", "on", "On", "ON",
        "off", "Off", "OFF", "true", "True", "TRUE", "tRuE", "false", "FALSE", "fAlSe", "0", "-1", "+1", "007", "0o17",
        "0x1F", "0b101", "1_000", "1:20", "-1:20:30", "190:20:30.15", "1.5", ".5", "-.5", "1e3", "1.0e+3", ".inf", "-.inf",
        ".NaN", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "1.2.3", "!=", "=~", "!~", "*", "&a", "!tag", "%x", "@x",
        "`x", "|", ">", "- a", "? a", "a: b", "a #b", "#c", " lead", "trail ", "tab\t", "multi\nline", "[a]", "{a: b}",
        "'q'", "\"q\"", "plain", "kubernetes.io/hostname", "10.0.0.1", "10.0.0.0/8", "::1", "fe80::1", "1h30m",
    ];

    [Fact]
    public async Task Every_tricky_string_written_by_our_serializers_reads_back_as_the_same_string_in_PyYAML()
    {
        var doc = new JsonObject
        {
            ["values"] = new JsonArray([.. Tricky.Select(s => (JsonNode)JsonValue.Create(s))]),
            ["keys"] = new JsonObject(Tricky.Where(s => s != "<<").Select(s => KeyValuePair.Create(s, (JsonNode?)JsonValue.Create(s)))),
        };
        var temp = Path.Combine(Path.GetTempPath(), $"retina-yaml11-{Guid.NewGuid():N}.yaml");
        try
        {
            await File.WriteAllTextAsync(temp, YamlJson.Write(doc));
            var loaded = (await PyYaml.LoadAllAsync([temp]))[temp];
            loaded["error"].ShouldBeNull(await File.ReadAllTextAsync(temp));
            var back = loaded["docs"]![0]!;
            back["values"]!.AsArray().Select(v => v?.ToJsonString()).ShouldBe(Tricky.Select(s => JsonValue.Create(s).ToJsonString()));
            foreach (var s in Tricky.Where(s => s != "<<"))
            {
                back["keys"]![s]?.ToJsonString().ShouldBe(JsonValue.Create(s).ToJsonString(), $"key {s}");
            }

            JsonNode.DeepEquals(YamlJson.ParseAll(await File.ReadAllTextAsync(temp))[0], doc).ShouldBeTrue("our own reader agrees");
        }
        finally
        {
            File.Delete(temp);
        }
    }

    [Theory]
    [InlineData("=", true)]
    [InlineData("1:20", true)]
    [InlineData("On", true)]
    [InlineData("kubernetes.io/hostname", false)]
    [InlineData("Running", false)]
    public void The_quoting_rule_names_what_YAML_1_1_would_retype(string value, bool quoted) =>
        Yaml11SafeScalars.NeedsQuotes(value).ShouldBe(quoted);
}
