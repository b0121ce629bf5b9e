using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using Retina.Kube.Client;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.FakeKubeApi.Auth;
using Retina.Testing.FakeKubeApi.Webhooks;

namespace Retina.Kube.Tests.FakeKubeApi;

/// <summary>The fake calls configured admission webhooks as a real API server does: order, TLS, failurePolicy, uid, messages.</summary>
public sealed class FakeKubeApiWebhookTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Validating_webhook_sees_the_requester_and_the_object_and_allows_the_create()
    {
        await using var hook = await TestWebhookServer.StartAsync(_ => Task.FromResult(new JsonObject { ["allowed"] = true }));
        await using var api = await FakeKubeApiServer.StartAsync();
        AddConfiguration(api, FakeWebhookKinds.ValidatingConfigurations, Webhook("check.test.example", hook.Url("/validate"), hook.Certificates.CaBundle));

        var alice = api.CreateClient(FakeUser.Person("alice", "team-a"));
        await alice.CreateAsync(ConfigMap("team-a", "one", "v"), None);

        var request = Assert.Single(hook.Received);
        Assert.Equal("CREATE", (string?)request["operation"]);
        Assert.Equal("alice", (string?)request["userInfo"]!["username"]);
        Assert.Equal(["team-a", "system:authenticated"], request["userInfo"]!["groups"]!.AsArray().Select(g => (string?)g));
        Assert.Equal("configmaps", (string?)request["resource"]!["resource"]);
        Assert.Equal("ConfigMap", (string?)request["kind"]!["kind"]);
        Assert.Equal("team-a", (string?)request["namespace"]);
        Assert.Equal("one", (string?)request["name"]);
        Assert.Equal("v", (string?)request["object"]!["data"]!["k"]);
        Assert.Null(request["oldObject"]);
        Assert.Equal("v", (await alice.GetAsync<V1ConfigMap>("one", "team-a", None))!.Data["k"]);
    }

    [Fact]
    public async Task A_denial_reaches_the_client_as_the_server_composes_it_and_nothing_is_stored()
    {
        await using var hook = await TestWebhookServer.StartAsync(_ => Task.FromResult(Deny(422, "Invalid", "data.k: must not be \"bad\"")));
        await using var api = await FakeKubeApiServer.StartAsync();
        AddConfiguration(api, FakeWebhookKinds.ValidatingConfigurations, Webhook("check.test.example", hook.Url("/validate"), hook.Certificates.CaBundle));
        var client = api.CreateClient();

        var e = await Assert.ThrowsAsync<KubeApiException>(() => client.CreateAsync(ConfigMap("default", "one", "bad"), None));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.StatusCode);
        Assert.Equal("admission webhook \"check.test.example\" denied the request: data.k: must not be \"bad\"", e.Message);
        Assert.Null(await client.GetAsync<V1ConfigMap>("one", "default", None));
    }

    [Fact]
    public async Task Mutating_patch_is_applied_before_validating_webhooks_and_stored()
    {
        await using var mutator = await TestWebhookServer.StartAsync(_ => Task.FromResult(new JsonObject
        {
            ["allowed"] = true,
            ["patchType"] = "JSONPatch",
            ["patch"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("""[{"op":"add","path":"/metadata/labels","value":{"stamped":"yes"}}]""")),
        }));
        await using var validator = await TestWebhookServer.StartAsync(r => Task.FromResult(
            (string?)r["object"]?["metadata"]?["labels"]?["stamped"] == "yes" ? new JsonObject { ["allowed"] = true } : Deny(403, "Forbidden", "not stamped")));
        await using var api = await FakeKubeApiServer.StartAsync();
        AddConfiguration(api, FakeWebhookKinds.MutatingConfigurations, Webhook("stamp.test.example", mutator.Url("/mutate"), mutator.Certificates.CaBundle));
        AddConfiguration(api, FakeWebhookKinds.ValidatingConfigurations, Webhook("check.test.example", validator.Url("/validate"), validator.Certificates.CaBundle));
        var client = api.CreateClient();

        await client.CreateAsync(ConfigMap("default", "one", "v"), None);

        Assert.Equal("yes", (await client.GetAsync<V1ConfigMap>("one", "default", None))!.Metadata.Labels["stamped"]);
        Assert.Single(validator.Received);
    }

    [Fact]
    public async Task A_patch_is_judged_on_the_merged_object_with_the_stored_one_as_oldObject()
    {
        await using var hook = await TestWebhookServer.StartAsync(r => Task.FromResult(
            (string?)r["object"]?["data"]?["k"] == "bad" ? Deny(422, "Invalid", "data.k: bad") : new JsonObject { ["allowed"] = true }));
        await using var api = await FakeKubeApiServer.StartAsync();
        var client = api.CreateClient();
        await client.CreateAsync(ConfigMap("default", "one", "v"), None);
        await client.CreateAsync(ConfigMap("default", "two", "v"), None);
        AddConfiguration(api, FakeWebhookKinds.ValidatingConfigurations, Webhook("check.test.example", hook.Url("/validate"), hook.Certificates.CaBundle));

        await client.PatchAsync<V1ConfigMap>("one", "default", new KubePatch(PatchType.Merge, """{"metadata":{"labels":{"a":"b"}}}"""), None);
        var e = await Assert.ThrowsAsync<KubeApiException>(() =>
            client.PatchAsync<V1ConfigMap>("two", "default", new KubePatch(PatchType.Merge, """{"data":{"k":"bad"}}"""), None));

        Assert.Contains("denied the request: data.k: bad", e.Message, StringComparison.Ordinal);
        var first = hook.Received[0];
        Assert.Equal("UPDATE", (string?)first["operation"]);
        Assert.Equal("b", (string?)first["object"]!["metadata"]!["labels"]!["a"]);
        Assert.Equal("v", (string?)first["object"]!["data"]!["k"]);
        Assert.Null(first["oldObject"]!["metadata"]!["labels"]);
        Assert.Equal("b", (await client.GetAsync<V1ConfigMap>("one", "default", None))!.Metadata.Labels["a"]);
        Assert.Equal("v", (await client.GetAsync<V1ConfigMap>("two", "default", None))!.Data["k"]);
    }

    [Theory]
    [InlineData("Fail")]
    [InlineData("Ignore")]
    public async Task An_unreachable_webhook_fails_the_request_or_is_skipped_per_failurePolicy(string policy)
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var certificates = TestWebhookCertificates.Create();
        var webhook = Webhook("check.test.example", $"https://127.0.0.1:{ClosedPort()}/validate", certificates.CaBundle);
        webhook["failurePolicy"] = policy;
        AddConfiguration(api, FakeWebhookKinds.ValidatingConfigurations, webhook);
        var client = api.CreateClient();

        if (policy == "Ignore")
        {
            await client.CreateAsync(ConfigMap("default", "one", "v"), None);
            Assert.NotNull(await client.GetAsync<V1ConfigMap>("one", "default", None));
            return;
        }

        var e = await Assert.ThrowsAsync<KubeApiException>(() => client.CreateAsync(ConfigMap("default", "one", "v"), None));
        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
        Assert.StartsWith("Internal error occurred: failed calling webhook \"check.test.example\": failed to call webhook: Post \"https://127.0.0.1:", e.Message, StringComparison.Ordinal);
        Assert.Null(await client.GetAsync<V1ConfigMap>("one", "default", None));
    }

    [Fact]
    public async Task A_certificate_not_signed_by_caBundle_is_rejected_as_a_real_server_rejects_it()
    {
        await using var hook = await TestWebhookServer.StartAsync(_ => Task.FromResult(new JsonObject { ["allowed"] = true }));
        using var other = TestWebhookCertificates.Create();
        await using var api = await FakeKubeApiServer.StartAsync();
        AddConfiguration(api, FakeWebhookKinds.ValidatingConfigurations, Webhook("check.test.example", hook.Url("/validate"), other.CaBundle));

        var e = await Assert.ThrowsAsync<KubeApiException>(() => api.CreateClient().CreateAsync(ConfigMap("default", "one", "v"), None));

        Assert.Contains("failed calling webhook \"check.test.example\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("x509: certificate signed by unknown authority", e.Message, StringComparison.Ordinal);
        Assert.Empty(hook.Received);
    }

    [Fact]
    public async Task A_response_for_another_uid_is_an_invalid_webhook_response()
    {
        await using var hook = await TestWebhookServer.StartAsync(_ => Task.FromResult(new JsonObject { ["allowed"] = true, ["uid"] = "not-the-request" }));
        await using var api = await FakeKubeApiServer.StartAsync();
        AddConfiguration(api, FakeWebhookKinds.ValidatingConfigurations, Webhook("check.test.example", hook.Url("/validate"), hook.Certificates.CaBundle));

        var e = await Assert.ThrowsAsync<KubeApiException>(() => api.CreateClient().CreateAsync(ConfigMap("default", "one", "v"), None));

        Assert.Contains("received invalid webhook response: expected response.uid=\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("got \"not-the-request\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_reference_is_reached_through_the_mapping_and_its_certificate_checked_for_the_service_name()
    {
        await using var right = await TestWebhookServer.StartAsync(_ => Task.FromResult(new JsonObject { ["allowed"] = true }), "hook.tools.svc");
        await using var wrong = await TestWebhookServer.StartAsync(_ => Task.FromResult(new JsonObject { ["allowed"] = true }), "other.tools.svc");
        await using var api = await FakeKubeApiServer.StartAsync(o =>
        {
            o.WebhookServices[("tools", "hook", 443)] = right.EndPoint;
            o.WebhookServices[("tools", "hook", 8443)] = wrong.EndPoint;
        });
        var good = ServiceWebhook("a.test.example", 443, right.Certificates.CaBundle);
        var bad = ServiceWebhook("b.test.example", 8443, wrong.Certificates.CaBundle);
        bad["objectSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["check"] = "name" } };
        AddConfiguration(api, FakeWebhookKinds.ValidatingConfigurations, good, bad);
        var client = api.CreateClient();

        await client.CreateAsync(ConfigMap("default", "one", "v"), None);
        var labelled = ConfigMap("default", "two", "v");
        labelled.Metadata.Labels = new Dictionary<string, string> { ["check"] = "name" };
        var e = await Assert.ThrowsAsync<KubeApiException>(() => client.CreateAsync(labelled, None));

        Assert.Equal(2, right.Received.Count);
        Assert.Contains("failed calling webhook \"b.test.example\"", e.Message, StringComparison.Ordinal);
        Assert.Empty(wrong.Received);
    }

    [Fact]
    public async Task Rules_select_by_operation_resource_and_namespace_labels()
    {
        await using var hook = await TestWebhookServer.StartAsync(_ => Task.FromResult(Deny(403, "Forbidden", "no")));
        await using var api = await FakeKubeApiServer.StartAsync();
        var client = api.CreateClient();
        await client.CreateAsync(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new() { Name = "guarded", Labels = new Dictionary<string, string> { ["guard"] = "on" } } }, None);
        await client.CreateAsync(ConfigMap("guarded", "existing", "v"), None);
        var webhook = Webhook("check.test.example", hook.Url("/validate"), hook.Certificates.CaBundle);
        webhook["namespaceSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["guard"] = "on" } };
        AddConfiguration(api, FakeWebhookKinds.ValidatingConfigurations, webhook);

        await client.CreateAsync(ConfigMap("open", "one", "v"), None);
        await client.CreateAsync(new V1Secret { ApiVersion = "v1", Kind = "Secret", Metadata = new() { Name = "s", NamespaceProperty = "guarded" } }, None);
        await client.DeleteAsync<V1ConfigMap>("existing", "guarded", None);
        await Assert.ThrowsAsync<KubeApiException>(() => client.CreateAsync(ConfigMap("guarded", "one", "v"), None));

        Assert.Single(hook.Received);
    }

    [Fact]
    public async Task A_webhook_that_does_not_answer_within_timeoutSeconds_fails_the_request()
    {
        var never = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hook = await TestWebhookServer.StartAsync(_ => never.Task);
        await using var api = await FakeKubeApiServer.StartAsync();
        var webhook = Webhook("slow.test.example", hook.Url("/validate"), hook.Certificates.CaBundle);
        webhook["timeoutSeconds"] = 1;
        AddConfiguration(api, FakeWebhookKinds.ValidatingConfigurations, webhook);

        try
        {
            var e = await Assert.ThrowsAsync<KubeApiException>(() => api.CreateClient().CreateAsync(ConfigMap("default", "one", "v"), None));
            Assert.EndsWith("?timeout=1s\": context deadline exceeded", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            never.SetResult(new JsonObject { ["allowed"] = true });
        }
    }

    [Fact]
    public async Task A_status_rule_sees_only_status_writes_with_their_subResource()
    {
        await using var hook = await TestWebhookServer.StartAsync(_ => Task.FromResult(new JsonObject { ["allowed"] = true }));
        await using var api = await FakeKubeApiServer.StartAsync();
        var webhook = Webhook("status.test.example", hook.Url("/validate"), hook.Certificates.CaBundle);
        webhook["rules"]![0]!["resources"] = new JsonArray("pods/status");
        webhook["rules"]![0]!["apiGroups"] = new JsonArray("");
        AddConfiguration(api, FakeWebhookKinds.ValidatingConfigurations, webhook);
        var client = api.CreateClient();

        await client.CreateAsync(new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = new() { Name = "p", NamespaceProperty = "default" } }, None);
        await client.PatchAsync<V1Pod>("p", "default", new KubePatch(PatchType.Merge, """{"metadata":{"labels":{"a":"b"}}}"""), None);
        await client.PatchStatusAsync<V1Pod>("p", "default", new KubePatch(PatchType.Merge, """{"status":{"phase":"Running"}}"""), None);

        var request = Assert.Single(hook.Received);
        Assert.Equal("status", (string?)request["subResource"]);
        Assert.Equal("Running", (string?)request["object"]!["status"]!["phase"]);
        Assert.Equal("b", (string?)request["object"]!["metadata"]!["labels"]!["a"]);
        Assert.Equal("Running", (await client.GetAsync<V1Pod>("p", "default", None))!.Status.Phase);
    }

    [Fact]
    public async Task Schema_pruning_and_validation_run_between_mutating_and_validating_webhooks()
    {
        await using var mutator = await TestWebhookServer.StartAsync(r => Task.FromResult(new JsonObject
        {
            ["allowed"] = true,
            ["patchType"] = "JSONPatch",
            ["patch"] = Convert.ToBase64String(Encoding.UTF8.GetBytes((string?)r["name"] == "typed-wrong"
                ? """[{"op":"replace","path":"/spec/duration","value":12}]"""
                : """[{"op":"add","path":"/spec/bogus","value":1}]""")),
        }));
        await using var validator = await TestWebhookServer.StartAsync(_ => Task.FromResult(new JsonObject { ["allowed"] = true }));
        await using var api = await FakeKubeApiServer.StartAsync();
        AddConfiguration(api, FakeWebhookKinds.MutatingConfigurations, Retina(Webhook("m.test.example", mutator.Url("/m"), mutator.Certificates.CaBundle)));
        AddConfiguration(api, FakeWebhookKinds.ValidatingConfigurations, Retina(Webhook("v.test.example", validator.Url("/v"), validator.Certificates.CaBundle)));
        var client = api.CreateClient();

        await client.CreateAsync(Trace("pruned"), None);
        var e = await Assert.ThrowsAsync<KubeApiException>(() => client.CreateAsync(Trace("typed-wrong"), None));

        var seen = Assert.Single(validator.Received);
        Assert.Equal("pruned", (string?)seen["name"]);
        Assert.Null(seen["object"]!["spec"]!["bogus"]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.StatusCode);
        Assert.Contains("spec.duration", e.Message, StringComparison.Ordinal);
    }

    private static JsonObject Retina(JsonObject webhook)
    {
        webhook["rules"]![0]!["apiGroups"] = new JsonArray("retina.sh");
        webhook["rules"]![0]!["apiVersions"] = new JsonArray("v1alpha1");
        webhook["rules"]![0]!["resources"] = new JsonArray("tracesessions");
        return webhook;
    }

    private static Retina.Api.TraceSession.TraceSession Trace(string name) => new()
    {
        ApiVersion = "retina.sh/v1alpha1",
        Kind = "TraceSession",
        Metadata = new() { Name = name, NamespaceProperty = "default" },
        Spec = new() { Duration = "5m", Events = ["drop"], Target = new() { NodeSelector = new() } },
    };

    private static JsonObject Deny(int code, string reason, string message) => new()
    {
        ["allowed"] = false,
        ["status"] = new JsonObject { ["code"] = code, ["reason"] = reason, ["message"] = message },
    };

    private static JsonObject Webhook(string name, string url, string caBundle) => new()
    {
        ["name"] = name,
        ["clientConfig"] = new JsonObject { ["url"] = url, ["caBundle"] = caBundle },
        ["rules"] = Rules(),
        ["failurePolicy"] = "Fail",
        ["sideEffects"] = "None",
        ["admissionReviewVersions"] = new JsonArray("v1"),
        ["timeoutSeconds"] = 5,
    };

    private static JsonObject ServiceWebhook(string name, int port, string caBundle)
    {
        var webhook = Webhook(name, "", caBundle);
        webhook["clientConfig"] = new JsonObject
        {
            ["service"] = new JsonObject { ["namespace"] = "tools", ["name"] = "hook", ["port"] = port, ["path"] = "/validate" },
            ["caBundle"] = caBundle,
        };
        return webhook;
    }

    private static JsonArray Rules() => new(new JsonObject
    {
        ["operations"] = new JsonArray("CREATE", "UPDATE"),
        ["apiGroups"] = new JsonArray(""),
        ["apiVersions"] = new JsonArray("v1"),
        ["resources"] = new JsonArray("configmaps"),
        ["scope"] = "Namespaced",
    });

    private static void AddConfiguration(FakeKubeApiServer api, ResourceDescriptor d, params JsonObject[] webhooks) =>
        api.Store.Create(d, null, new JsonObject
        {
            ["apiVersion"] = d.ApiVersion,
            ["kind"] = d.Kind,
            ["metadata"] = new JsonObject { ["name"] = "test-" + Guid.NewGuid().ToString("N")[..6] },
            ["webhooks"] = new JsonArray([.. webhooks]),
        });

    private static V1ConfigMap ConfigMap(string ns, string name, string value) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new() { Name = name, NamespaceProperty = ns },
        Data = new Dictionary<string, string> { ["k"] = value },
    };

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
