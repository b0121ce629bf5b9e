using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Retina.Controllers.Admission;
using Retina.Kube.Store;
using Retina.Testing.FakeKubeApi.Auth;
using Retina.Testing.Repo;

namespace Retina.Controllers.Tests.Admission;

/// <summary>Bad input is refused at apply time, through the fake API calling our real webhook over HTTPS, as a user would meet it.</summary>
public sealed class AdmissionWebhookTests
{
    private const string DeniedBy = "admission webhook \"validation.webhook.retina.sh\" denied the request: ";

    private static readonly FakeUser Alice = FakeUser.Person("alice", "team-a");

    public static TheoryData<string> InvalidSamples() =>
        [.. Directory.GetFiles(RepoPaths.Combine("config/samples/invalid"), "*.yaml").Select(f => Path.GetFileName(f)).Order()];

    public static TheoryData<string> ValidSamples() =>
        [.. Directory.GetFiles(RepoPaths.Combine("config/samples"), "*.yaml").Select(f => Path.GetFileName(f)).Where(f => !f.StartsWith("noderuntime", StringComparison.Ordinal) && !f.StartsWith("retinaendpoint", StringComparison.Ordinal)).Order()]; // controller-written kinds

    [Theory]
    [MemberData(nameof(InvalidSamples))]
    public async Task Every_invalid_sample_is_refused_at_apply_time_naming_its_field(string file)
    {
        await using var bed = await WebhookBed.StartAsync();
        var (obj, field) = Sample("config/samples/invalid/" + file);

        var (code, body) = await bed.SendAsync(Alice, obj);

        Assert.True((int)code is >= 400 and < 500, $"{code}: {body["message"]}");
        var message = (string?)body["message"] ?? "";
        // The schema names the object that holds an anyOf (e.g. captureOption for fileCount without maxCaptureSize).
        var named = field == ParentOf(field) ? message.Contains(field, StringComparison.Ordinal)
            : message.Contains(field, StringComparison.Ordinal) || message.Contains(ParentOf(field) + ": Invalid value: \"object\"", StringComparison.Ordinal);
        Assert.True(named, $"\"{field}\" not named in: {message}");
        Assert.Empty(bed.Api.Store.List(bed.Api.Store.FindByKind((string)obj["apiVersion"]!, (string)obj["kind"]!)!, null,
            Retina.Kube.Selectors.LabelSelector.Everything, Retina.Kube.Selectors.FieldSelector.Everything).Items);
    }

    /// <summary>Per kind, input the CRD schema accepts and only our validators refuse: without the webhook it would be stored.</summary>
    [Theory]
    [InlineData("capture-node-hostpath.yaml", "/spec/captureConfiguration/captureOption/duration", "\"0s\"", "spec.captureConfiguration.captureOption.duration")]
    [InlineData("tracesession-drops.yaml", "/spec/duration", "\"0s\"", "spec.duration")]
    [InlineData("shellsession-node.yaml", "/spec/ttl", "\"5h\"", "spec.ttl")]
    [InlineData("capturepolicy-threshold.yaml", "/spec/cooldown", "\"1s\"", "spec.cooldown")]
    [InlineData("metricsconfiguration-exclude.yaml", "/spec/contextOptions", """[{"metricName":"drop_count"},{"metricName":"drop_count"}]""", "spec.contextOptions[1].metricName")]
    public async Task Bad_input_each_kind_s_schema_lets_through_is_denied_by_the_webhook_with_the_field(string sample, string pointer, string value, string field)
    {
        await using var bed = await WebhookBed.StartAsync();
        var (obj, _) = Sample("config/samples/" + sample);
        Set(obj, pointer, JsonNode.Parse(value));

        var (code, body) = await bed.SendAsync(Alice, obj);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        var message = (string?)body["message"];
        Assert.StartsWith($"{DeniedBy}{obj["kind"]} \"{obj["metadata"]!["name"]}\" is invalid: ", message, StringComparison.Ordinal);
        Assert.Contains(field + ": ", message, StringComparison.Ordinal);
        Assert.Equal("Invalid", (string?)body["reason"]);
    }

    [Fact]
    public async Task The_cluster_s_own_limits_are_enforced_at_apply_time_too()
    {
        await using var bed = await WebhookBed.StartAsync(controllerOptions: o =>
        {
            o.AllowedOutputs = ["hostPath"];
            o.ShellMaxTtl = "30m";
        });
        var (capture, _) = Sample("config/samples/capture-pod-blob.yaml");
        var (shell, _) = Sample("config/samples/shellsession-node.yaml");
        shell["spec"]!["ttl"] = "1h";

        var (captureCode, captureBody) = await bed.SendAsync(Alice, capture);
        var (shellCode, shellBody) = await bed.SendAsync(Alice, shell);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, captureCode);
        Assert.Contains("spec.outputConfiguration.blobUpload: this cluster allows only hostPath outputs", (string?)captureBody["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, shellCode);
        Assert.Contains("spec.ttl: \"1h\" is longer than the cap of 30m", (string?)shellBody["message"], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ValidSamples))]
    public async Task Every_valid_sample_is_created_and_stamped_with_the_requesting_user(string file)
    {
        await using var bed = await WebhookBed.StartAsync();
        var (obj, _) = Sample("config/samples/" + file);

        var (code, body) = await bed.SendAsync(Alice, obj);

        Assert.True(code == HttpStatusCode.Created, $"{code}: {body["message"]}");
        Assert.Equal("alice", (string?)body["metadata"]!["annotations"]![RequestedBy.Annotation]);
    }

    [Fact]
    public async Task Requested_by_cannot_be_forged_on_create_nor_changed_or_dropped_on_update()
    {
        await using var bed = await WebhookBed.StartAsync();
        var (obj, _) = Sample("config/samples/tracesession-drops.yaml");
        obj["metadata"]!["annotations"] = new JsonObject { [RequestedBy.Annotation] = "bob", ["note"] = "kept" };

        var (created, body) = await bed.SendAsync(Alice, obj);
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("alice", (string?)body["metadata"]!["annotations"]![RequestedBy.Annotation]);
        Assert.Equal("kept", (string?)body["metadata"]!["annotations"]!["note"]);

        var changed = body.DeepClone().AsObject();
        changed["metadata"]!["annotations"]![RequestedBy.Annotation] = "bob";
        changed["metadata"]!["labels"] = new JsonObject { ["edited"] = "yes" };
        var (updated, afterChange) = await bed.SendAsync(FakeUser.Person("bob"), changed, update: true);
        Assert.Equal(HttpStatusCode.OK, updated);
        Assert.Equal("alice", (string?)afterChange["metadata"]!["annotations"]![RequestedBy.Annotation]);
        Assert.Equal("yes", (string?)afterChange["metadata"]!["labels"]!["edited"]);

        var dropped = afterChange.DeepClone().AsObject();
        dropped["metadata"]!.AsObject().Remove("annotations");
        var (_, afterDrop) = await bed.SendAsync(FakeUser.Person("bob"), dropped, update: true);
        Assert.Equal("alice", (string?)afterDrop["metadata"]!["annotations"]![RequestedBy.Annotation]);

        var client = bed.Api.CreateClient(FakeUser.Person("bob"));
        await client.PatchAsync<Api.TraceSession.TraceSession>((string)obj["metadata"]!["name"]!, (string)obj["metadata"]!["namespace"]!,
            new Retina.Kube.Client.KubePatch(Retina.Kube.Client.PatchType.Merge, new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RequestedBy.Annotation] = "bob" } } }.ToJsonString()), CancellationToken.None);
        var stored = bed.Api.Store.Get(bed.Api.Store.FindByKind("retina.sh/v1alpha1", "TraceSession")!, (string)obj["metadata"]!["namespace"]!, (string)obj["metadata"]!["name"]!);
        Assert.Equal("alice", (string?)stored["metadata"]!["annotations"]![RequestedBy.Annotation]);
    }

    [Fact]
    public async Task A_stored_object_that_fails_today_s_validators_can_still_get_metadata_changes_but_not_a_bad_spec()
    {
        await using var bed = await WebhookBed.StartAsync();
        var (obj, _) = Sample("config/samples/shellsession-node.yaml");
        obj["spec"]!["ttl"] = "5h";
        var d = bed.Api.Store.FindByKind("retina.sh/v1alpha1", "ShellSession")!;
        var planted = bed.Api.Store.Create(d, "default", obj);

        var relabelled = planted.DeepClone().AsObject();
        relabelled["metadata"]!["finalizers"] = new JsonArray("example.com/cleanup");
        var (ok, _) = await bed.SendAsync(Alice, relabelled, update: true);
        Assert.Equal(HttpStatusCode.OK, ok);

        var respecced = bed.Api.Store.Get(d, "default", (string)obj["metadata"]!["name"]!);
        respecced["spec"]!["ttl"] = "6h";
        var (denied, body) = await bed.SendAsync(Alice, respecced, update: true);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, denied);
        Assert.Contains("spec.ttl: \"6h\" is longer than the cap", (string?)body["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registered_rule_runs_after_validation_and_its_denial_or_failure_reaches_the_user()
    {
        await using var bed = await WebhookBed.StartAsync(services: s => s.AddAdmissionRule<NoEveRule>());
        var (good, _) = Sample("config/samples/tracesession-drops.yaml");

        var (allowed, _) = await bed.SendAsync(Alice, good.DeepClone().AsObject());
        Assert.Equal(HttpStatusCode.Created, allowed);

        var second = good.DeepClone().AsObject();
        second["metadata"]!["name"] = "by-eve";
        var (forbidden, body) = await bed.SendAsync(FakeUser.Person("eve"), second);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Equal("admission webhook \"validation.webhook.retina.sh\" denied the request: eve may not create TraceSession shop/by-eve", (string?)body["message"]);

        var bad = good.DeepClone().AsObject();
        bad["metadata"]!["name"] = "bad-by-eve";
        bad["spec"]!["duration"] = "0s";
        var (invalid, first) = await bed.SendAsync(FakeUser.Person("eve"), bad);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid);
        Assert.Contains("spec.duration", (string?)first["message"], StringComparison.Ordinal);

        var broken = good.DeepClone().AsObject();
        broken["metadata"]!["name"] = "breaks-the-rule";
        var (failed, failure) = await bed.SendAsync(Alice, broken);
        Assert.Equal(HttpStatusCode.InternalServerError, failed);
        Assert.StartsWith("Internal error occurred: failed calling webhook \"validation.webhook.retina.sh\"", (string?)failure["message"], StringComparison.Ordinal);
    }

    private static (JsonObject Obj, string Field) Sample(string relative)
    {
        var path = RepoPaths.Combine(relative);
        var field = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("# rejected-for: ", StringComparison.Ordinal))?["# rejected-for: ".Length..].Trim() ?? "";
        return (YamlJson.ParseFile(path).Single(), field);
    }

    private static string ParentOf(string field) => field.Contains('.', StringComparison.Ordinal) ? field[..field.LastIndexOf('.')] : field;

    private static void Set(JsonObject obj, string pointer, JsonNode? value)
    {
        var parts = pointer.Trim('/').Split('/');
        JsonNode node = obj;
        foreach (var part in parts[..^1])
        {
            node = node[part] ??= new JsonObject();
        }

        node[parts[^1]] = value;
    }

    private sealed class NoEveRule : IAdmissionRule
    {
        public Task<AdmissionDenial?> CheckAsync(AdmissionAttempt attempt, CancellationToken cancellationToken) =>
            attempt.Name == "breaks-the-rule"
                ? throw new InvalidOperationException("the SubjectAccessReview failed")
                : Task.FromResult(attempt.User.Username == "eve"
                    ? AdmissionDenial.Forbidden($"eve may not {attempt.Operation.ToString().ToLowerInvariant()} {attempt.Kind} {attempt.Namespace}/{attempt.Name}")
                    : null);
    }
}
