using System.Net;
using System.Text.Json.Nodes;
using Retina.Testing.FakeKubeApi;
using static Retina.Kube.Tests.FakeKubeApi.FakeKubeApiSchemaTests;

namespace Retina.Kube.Tests.FakeKubeApi;

/// <summary>What a real server refuses in any object's metadata and in any request: label and annotation syntax, annotation size, body size.</summary>
public sealed class FakeKubeApiMetadataTests
{
    private const string Captures = "/apis/retina.sh/v1alpha1/namespaces/default/captures";

    [Theory]
    [InlineData("labels", "app name", "x", "metadata.labels", "Invalid value: \"app name\": name part must consist of alphanumeric characters")]
    [InlineData("labels", "app", "two words", "metadata.labels", "Invalid value: \"two words\": a valid label must be an empty string or consist of alphanumeric")]
    [InlineData("labels", "Example.com/app", "x", "metadata.labels", "Invalid value: \"Example.com/app\": prefix part a lowercase RFC 1123 subdomain")]
    [InlineData("annotations", "-leading", "anything goes", "metadata.annotations", "Invalid value: \"-leading\": name part must consist of")]
    public async Task A_bad_label_or_annotation_key_or_value_is_422_with_the_servers_words(string map, string key, string value, string field, string message)
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        var (code, body) = await FakeKubeApiSchemaTests.SendAsync(server, HttpMethod.Post, Captures, WithMetadata(map, key, value));

        code.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var cause = body["details"]!["causes"]!.AsArray().Single()!;
        cause["field"]!.GetValue<string>().ShouldBe(field);
        cause["message"]!.GetValue<string>().ShouldStartWith(message);
    }

    [Fact]
    public async Task Qualified_keys_empty_values_and_any_annotation_text_are_fine()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        (await FakeKubeApiSchemaTests.SendAsync(server, HttpMethod.Post, Captures, WithMetadata("labels", "app.kubernetes.io/name", ""))).Code.ShouldBe(HttpStatusCode.Created);
        var obj = JsonNode.Parse(Capture("b", "{}"))!.AsObject();
        obj["metadata"]!["name"] = "b";
        obj["metadata"]!["annotations"] = new JsonObject { ["retina.sh/Requested-By"] = "alice: any text, even spaces" };
        (await FakeKubeApiSchemaTests.SendAsync(server, HttpMethod.Post, Captures, obj.ToJsonString())).Code.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Annotations_over_256_KiB_and_bodies_over_3_MiB_are_refused()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        var (code, body) = await FakeKubeApiSchemaTests.SendAsync(server, HttpMethod.Post, Captures, WithMetadata("annotations", "big", new string('x', 300 * 1024)));
        code.ShouldBe(HttpStatusCode.UnprocessableEntity);
        body["details"]!["causes"]![0]!["message"]!.GetValue<string>().ShouldBe("Too long: must have at most 262144 bytes");

        var (tooLarge, status) = await FakeKubeApiSchemaTests.SendAsync(server, HttpMethod.Post, Captures, WithMetadata("annotations", "huge", new string('x', 4 * 1024 * 1024)));
        tooLarge.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        status["message"]!.GetValue<string>().ShouldBe("Request entity too large: limit is 3145728");
    }

    private static string WithMetadata(string map, string key, string value)
    {
        var obj = JsonNode.Parse(Capture("a", "{}"))!.AsObject();
        obj["metadata"]![map] = new JsonObject { [key] = value };
        return obj.ToJsonString();
    }
}
