using System.Text.Json.Nodes;
using Retina.Local.Output;

namespace Retina.Local.Tests.Output;

public sealed class ResourceTableTests
{
    [Fact]
    public void Retina_get_prints_the_crds_printer_columns_with_kubectl_ages()
    {
        var kind = ResourceTable.FindKind("cap").ShouldNotBeNull();
        var now = new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);
        var capture = JsonNode.Parse("""
            {"metadata":{"name":"web","namespace":"shop","creationTimestamp":"2026-11-25T11:55:00Z"},
             "status":{"phase":"Running","totalNodes":3,"active":2,"succeeded":1,"failed":0}}
            """)!;

        var table = ResourceTable.Render(ResourceTable.Headers(kind, wide: false), [ResourceTable.Row(kind, capture, now, wide: false)]);

        table.Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .ShouldBe(["NAMESPACE", "NAME", "PHASE", "NODES", "ACTIVE", "SUCCEEDED", "FAILED", "AGE"]);
        table.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).ShouldBe(["shop", "web", "Running", "3", "2", "1", "0", "5m0s"]);
    }

    [Theory]
    [InlineData("captures")]
    [InlineData("Capture")]
    [InlineData("mc")]
    [InlineData("noderuntimes")]
    [InlineData("shell")]
    public void Kinds_are_found_by_plural_kind_or_short_name(string name) => ResourceTable.FindKind(name).ShouldNotBeNull();

    [Theory]
    [InlineData(45, "45s")]
    [InlineData(200, "3m20s")]
    [InlineData(3600, "60m")]
    [InlineData(7 * 3600, "7h")]
    [InlineData(3 * 86400, "3d")]
    public void Ages_read_like_kubectls(int seconds, string age) => ResourceTable.Age(TimeSpan.FromSeconds(seconds)).ShouldBe(age);
}
