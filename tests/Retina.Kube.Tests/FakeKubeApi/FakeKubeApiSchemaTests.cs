using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Retina.Testing.FakeKubeApi;

namespace Retina.Kube.Tests.FakeKubeApi;

/// <summary>The fake answers writes of retina.sh kinds as a real API server with the CRDs of crds/ installed would.</summary>
public sealed class FakeKubeApiSchemaTests
{
    private const string Captures = "/apis/retina.sh/v1alpha1/namespaces/default/captures";

    [Fact]
    public async Task A_capture_with_a_bad_duration_is_answered_422_with_the_Status_kubectl_prints()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        var (code, body) = await SendAsync(server, HttpMethod.Post, Captures, Capture("bad", """{"duration":"10x"}"""));

        code.ShouldBe(HttpStatusCode.UnprocessableEntity);
        body["kind"]!.GetValue<string>().ShouldBe("Status");
        body["apiVersion"]!.GetValue<string>().ShouldBe("v1");
        body["status"]!.GetValue<string>().ShouldBe("Failure");
        body["reason"]!.GetValue<string>().ShouldBe("Invalid");
        body["code"]!.GetValue<int>().ShouldBe(422);
        body["details"]!["name"]!.GetValue<string>().ShouldBe("bad");
        body["details"]!["group"]!.GetValue<string>().ShouldBe("retina.sh");
        body["details"]!["kind"]!.GetValue<string>().ShouldBe("Capture");
        var cause = body["details"]!["causes"]!.AsArray().Single()!;
        cause["reason"]!.GetValue<string>().ShouldBe("FieldValueInvalid");
        cause["field"]!.GetValue<string>().ShouldBe("spec.captureConfiguration.captureOption.duration");
        cause["message"]!.GetValue<string>().ShouldBe(
            "Invalid value: \"10x\": spec.captureConfiguration.captureOption.duration in body should match '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$'");
        body["message"]!.GetValue<string>().ShouldBe(
            "Capture.retina.sh \"bad\" is invalid: spec.captureConfiguration.captureOption.duration: " + cause["message"]!.GetValue<string>());
        (await SendAsync(server, HttpMethod.Get, Captures + "/bad")).Code.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Every_problem_is_a_cause_with_the_reason_a_real_server_gives()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        var ips = string.Join(",", Enumerable.Range(0, 257).Select(i => $"\"10.0.{i / 256}.{i % 256}\""));
        var option = $$"""{"maxCaptureSize":"big","pcapFilter":"{{new string('a', 1025)}}","sourceIPs":[{{ips}}]}""";
        var capture = JsonNode.Parse(Capture("many", option))!.AsObject();
        capture["spec"]!["captureConfiguration"]!["captureTarget"] = JsonNode.Parse(
            """{"workloadRef":{"kind":"ReplicaSet","name":"web"},"nodeSelector":{"matchExpressions":[{"key":"a"}]}}""");
        var (code, body) = await SendAsync(server, HttpMethod.Post, Captures, capture.ToJsonString());

        code.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var causes = body["details"]!["causes"]!.AsArray().Select(c => (Reason: (string)c!["reason"]!, Field: (string)c["field"]!)).ToList();
        const string Option = "spec.captureConfiguration.captureOption";
        const string Target = "spec.captureConfiguration.captureTarget";
        causes.ShouldContain(("FieldValueTypeInvalid", Option + ".maxCaptureSize"));
        causes.ShouldContain(("FieldValueTooLong", Option + ".pcapFilter"));
        causes.ShouldContain(("FieldValueTooMany", Option + ".sourceIPs"));
        causes.ShouldContain(("FieldValueNotSupported", Target + ".workloadRef.kind"));
        causes.ShouldContain(("FieldValueRequired", Target + ".nodeSelector.matchExpressions[0].operator"));
        body["message"]!.GetValue<string>().ShouldStartWith("Capture.retina.sh \"many\" is invalid: [");
    }

    [Fact]
    public async Task A_custom_resource_name_must_be_a_DNS_subdomain()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        var (code, body) = await SendAsync(server, HttpMethod.Post, Captures, Capture("Bad_Name", "{}"));

        code.ShouldBe(HttpStatusCode.UnprocessableEntity);
        body["details"]!["causes"]!.AsArray().Select(c => (string)c!["field"]!).ShouldBe(["metadata.name"]);
    }

    [Fact]
    public async Task Unknown_fields_are_pruned_and_defaults_applied_on_create()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        var capture = JsonNode.Parse(Capture("c", """{"duration":"30s","bogus":1}"""))!.AsObject();
        capture["spec"]!["extra"] = "dropped";
        capture["metadata"]!["labels"] = new JsonObject { ["kept"] = "yes" };
        var (code, created) = await SendAsync(server, HttpMethod.Post, Captures, capture.ToJsonString());

        code.ShouldBe(HttpStatusCode.Created);
        var spec = created["spec"]!;
        spec["extra"].ShouldBeNull();
        spec["captureConfiguration"]!["captureOption"]!["bogus"].ShouldBeNull();
        spec["captureConfiguration"]!["captureOption"]!["duration"]!.GetValue<string>().ShouldBe("30s");
        spec["captureConfiguration"]!["includeMetadata"]!.GetValue<bool>().ShouldBeTrue();
        created["metadata"]!["labels"]!["kept"]!.GetValue<string>().ShouldBe("yes");
        (await SendAsync(server, HttpMethod.Get, Captures + "/c")).Body["spec"]!["extra"].ShouldBeNull();
    }

    [Theory]
    [InlineData("application/merge-patch+json", """{"spec":{"captureConfiguration":{"captureOption":{"duration":"10x"}}}}""")]
    [InlineData("application/strategic-merge-patch+json", """{"spec":{"captureConfiguration":{"captureOption":{"duration":"10x"}}}}""")]
    [InlineData("application/json-patch+json", """[{"op":"add","path":"/spec/captureConfiguration/captureOption","value":{"duration":"10x"}}]""")]
    public async Task A_patch_that_makes_the_object_invalid_is_answered_422_and_changes_nothing(string contentType, string patch)
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        var created = (await SendAsync(server, HttpMethod.Post, Captures, Capture("c", "{}"))).Body;
        var (code, body) = await SendAsync(server, HttpMethod.Patch, Captures + "/c", patch, contentType);

        code.ShouldBe(HttpStatusCode.UnprocessableEntity);
        body["details"]!["causes"]![0]!["field"]!.GetValue<string>().ShouldBe("spec.captureConfiguration.captureOption.duration");
        var stored = (await SendAsync(server, HttpMethod.Get, Captures + "/c")).Body;
        stored["metadata"]!["resourceVersion"]!.GetValue<string>().ShouldBe(created["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_update_is_validated_like_a_create()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        var created = (await SendAsync(server, HttpMethod.Post, Captures, Capture("c", "{}"))).Body;
        created["spec"]!["captureConfiguration"]!["captureOption"] = new JsonObject { ["packetSize"] = 300000 };
        var (code, body) = await SendAsync(server, HttpMethod.Put, Captures + "/c", created.ToJsonString());

        code.ShouldBe(HttpStatusCode.UnprocessableEntity);
        body["details"]!["causes"]![0]!["message"]!.GetValue<string>()
            .ShouldBe("Invalid value: 300000: spec.captureConfiguration.captureOption.packetSize in body should be less than or equal to 262144");
    }

    [Fact]
    public async Task The_status_subresource_validates_status_and_the_main_resource_ignores_it()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        await SendAsync(server, HttpMethod.Post, Captures, Capture("c", "{}"));
        const string BadStatus = """{"status":{"artifacts":[{"node":"n","location":"l","output":"ftp"}]}}""";

        var (code, body) = await SendAsync(server, HttpMethod.Patch, Captures + "/c/status", BadStatus, "application/merge-patch+json");
        code.ShouldBe(HttpStatusCode.UnprocessableEntity);
        body["details"]!["causes"]!.AsArray().Select(c => (string)c!["field"]!).ShouldBe(["status.artifacts[0].output"]);

        // Through the main resource the same status is not a change at all, so not a problem either.
        (code, body) = await SendAsync(server, HttpMethod.Patch, Captures + "/c", BadStatus, "application/merge-patch+json");
        code.ShouldBe(HttpStatusCode.OK);
        body["status"].ShouldBeNull();

        (code, body) = await SendAsync(server, HttpMethod.Patch, Captures + "/c/status", """{"status":{"active":1,"unknownField":2}}""", "application/merge-patch+json");
        code.ShouldBe(HttpStatusCode.OK);
        body["status"]!["active"]!.GetValue<int>().ShouldBe(1);
        body["status"]!["unknownField"].ShouldBeNull();
    }

    [Fact]
    public async Task A_status_write_checks_only_status_and_ignores_the_spec_it_carries()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        var created = (await SendAsync(server, HttpMethod.Post, Captures, Capture("c", "{}"))).Body;
        created["spec"]!["captureConfiguration"]!["captureOption"] = new JsonObject { ["duration"] = "10x" };
        created["status"] = new JsonObject { ["active"] = 2 };

        var (code, body) = await SendAsync(server, HttpMethod.Put, Captures + "/c/status", created.ToJsonString());

        code.ShouldBe(HttpStatusCode.OK);
        body["status"]!["active"]!.GetValue<int>().ShouldBe(2);
        body["spec"]!["captureConfiguration"]!["captureOption"]!.AsObject().Count.ShouldBe(0);
    }

    [Fact]
    public async Task With_validation_off_any_json_is_stored_as_written()
    {
        await using var server = await FakeKubeApiServer.StartAsync(o => o.ValidateSchemas = false);
        var (code, body) = await SendAsync(server, HttpMethod.Post, Captures, Capture("raw", """{"duration":"10x","bogus":1}"""));

        code.ShouldBe(HttpStatusCode.Created);
        body["spec"]!["captureConfiguration"]!["captureOption"]!["bogus"]!.GetValue<int>().ShouldBe(1);
        body["spec"]!["captureConfiguration"]!["includeMetadata"].ShouldBeNull();
    }

    internal static string Capture(string name, string captureOption) =>
        "{\"apiVersion\":\"retina.sh/v1alpha1\",\"kind\":\"Capture\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\"},"
        + "\"spec\":{\"captureConfiguration\":{\"captureTarget\":{\"nodeSelector\":{}},\"captureOption\":" + captureOption + "},"
        + "\"outputConfiguration\":{\"hostPath\":\"x\"}}}";

    internal static async Task<(HttpStatusCode Code, JsonObject Body)> SendAsync(
        FakeKubeApiServer server, HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }
}
