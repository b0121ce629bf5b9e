using System.Text.Json.Nodes;
using Retina.Kube.Client;
using Retina.Kube.Json;

namespace Retina.Kube.Tests.Json;

public sealed class JsonPatchTests
{
    [Fact]
    public void A_merge_patch_diff_applied_to_the_source_gives_the_target()
    {
        var from = JsonNode.Parse("""{"a":1,"b":{"c":2,"d":3},"e":[1,2],"f":"x"}""");
        var to = JsonNode.Parse("""{"a":1,"b":{"c":5},"e":[2],"g":true}""");
        var diff = JsonMergePatch.Diff(from, to);
        diff!.ToJsonString().ShouldBe("""{"b":{"c":5,"d":null},"e":[2],"f":null,"g":true}""");
        JsonNode.DeepEquals(JsonMergePatch.Apply(from, diff), to).ShouldBeTrue();
        JsonMergePatch.Diff(to, to!.DeepClone()).ShouldBeNull();
    }

    [Fact]
    public void A_json_patch_applies_add_remove_replace_move_copy_and_test()
    {
        var doc = JsonNode.Parse("""{"metadata":{"finalizers":["a","b"]},"spec":{"x":1}}""")!;
        var patch = JsonNode.Parse("""
            [{"op":"test","path":"/spec/x","value":1},
             {"op":"remove","path":"/metadata/finalizers/0"},
             {"op":"add","path":"/metadata/finalizers/-","value":"c"},
             {"op":"replace","path":"/spec/x","value":2},
             {"op":"copy","from":"/spec/x","path":"/spec/y"},
             {"op":"move","from":"/spec/y","path":"/spec/z"}]
            """)!.AsArray();
        JsonPatch.Apply(doc, patch).ToJsonString().ShouldBe("""{"metadata":{"finalizers":["b","c"]},"spec":{"x":2,"z":2}}""");
        Should.Throw<KubeApiException>(() => JsonPatch.Apply(doc, JsonNode.Parse("""[{"op":"test","path":"/spec/x","value":9}]""")!.AsArray()));
    }
}
