using System.Text.Json.Nodes;
using Retina.Kube.Selectors;

namespace Retina.Kube.Tests.Selectors;

public sealed class SelectorTests
{
    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app!=web", false)]
    [InlineData("app in (db, web)", true)]
    [InlineData("app notin (db,web)", false)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing,app=web,tier in (a)", true)]
    [InlineData("missing!=x", true)]
    public void Label_selectors_follow_the_api_syntax(string selector, bool matches) =>
        LabelSelector.Parse(selector).Matches(new Dictionary<string, string> { ["app"] = "web", ["tier"] = "a" }).ShouldBe(matches);

    [Fact]
    public void Field_selectors_compare_dotted_paths()
    {
        var pod = JsonNode.Parse("""{"metadata":{"name":"p","namespace":"n"},"spec":{"nodeName":"node-1"}}""")!;
        FieldSelector.Parse("spec.nodeName=node-1").Matches(pod).ShouldBeTrue();
        FieldSelector.Parse("spec.nodeName!=node-1").Matches(pod).ShouldBeFalse();
        FieldSelector.Parse("metadata.name=p,metadata.namespace==n").Matches(pod).ShouldBeTrue();
        FieldSelector.Parse("spec.missing=").Matches(pod).ShouldBeTrue();
    }
}
