using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Retina.Testing.FakeKubeApi;

namespace Retina.CrdGen.Tests.Samples;

/// <summary>Samples sent to the fake API, which answers as a real server with crds/ installed: 201 or 422 with causes.</summary>
public sealed class SampleApiTests
{
    public static TheoryData<string> InvalidFiles() => Sample.Files("config/samples/invalid");

    public static TheoryData<string> ValidFiles() => Sample.Files("config/samples");

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public async Task Every_invalid_sample_is_answered_422_with_a_cause_at_its_field_path(string file)
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        foreach (var sample in Sample.Load("config/samples/invalid").Where(s => s.ToString() == file))
        {
            var (code, body) = await CreateAsync(server, sample.Json);

            code.ShouldBe(HttpStatusCode.UnprocessableEntity, body.ToJsonString());
            body["reason"]!.GetValue<string>().ShouldBe("Invalid");
            body["details"]!["kind"]!.GetValue<string>().ShouldBe(sample.Json["kind"]!.GetValue<string>());
            var causes = body["details"]!["causes"]!.AsArray().Select(c => (Field: (string)c!["field"]!, Message: (string)c["message"]!)).ToList();
            causes.ShouldContain(c => Matches(c.Field, c.Message, sample.RejectedFor!), $"causes: {string.Join("; ", causes)}");
        }
    }

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public async Task Every_valid_sample_is_created_unchanged_but_for_defaults(string file)
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        foreach (var sample in Sample.Load("config/samples").Where(s => s.ToString() == file && s.Json["apiVersion"]?.GetValue<string>() == "retina.sh/v1alpha1"))
        {
            var (code, body) = await CreateAsync(server, sample.Json);

            code.ShouldBe(HttpStatusCode.Created, body.ToJsonString());
            Contains(body["spec"], sample.Json["spec"]).ShouldBeTrue($"pruned something of {file}: {body["spec"]?.ToJsonString()}");
        }
    }

    /// <summary>
    /// A rule across properties (exclusive targets, "requires", not) is reported at the object that declares it, as a
    /// real server does; the sample names the property. Both point at the same place.
    /// </summary>
    private static bool Matches(string field, string message, string expected)
    {
        if (field == expected)
        {
            return true;
        }

        var parent = expected.Contains('.') ? expected[..expected.LastIndexOf('.')] : "";
        return field == parent && (message.Contains("(anyOf)", StringComparison.Ordinal) || message.Contains("(oneOf)", StringComparison.Ordinal)
            || message.Contains("(not)", StringComparison.Ordinal) || message.Contains("at least", StringComparison.Ordinal));
    }

    private static bool Contains(JsonNode? actual, JsonNode? expected) => (actual, expected) switch
    {
        (_, null) => true,
        (JsonObject a, JsonObject e) => e.All(p => a.ContainsKey(p.Key) && Contains(a[p.Key], p.Value)),
        (JsonArray a, JsonArray e) => a.Count == e.Count && a.Zip(e).All(p => Contains(p.First, p.Second)),
        _ => JsonNode.DeepEquals(actual, expected),
    };

    private static async Task<(HttpStatusCode, JsonObject)> CreateAsync(FakeKubeApiServer server, JsonObject obj)
    {
        var kind = obj["kind"]!.GetValue<string>();
        var d = FakeKubeApiResources.Retina.Single(r => r.Kind == kind);
        var ns = (string?)obj["metadata"]?["namespace"] ?? "default";
        var path = d.Namespaced ? $"/apis/{d.Group}/{d.Version}/namespaces/{ns}/{d.Plural}" : $"/apis/{d.Group}/{d.Version}/{d.Plural}";
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        using var response = await http.PostAsync(path, new StringContent(obj.ToJsonString(), Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }
}
