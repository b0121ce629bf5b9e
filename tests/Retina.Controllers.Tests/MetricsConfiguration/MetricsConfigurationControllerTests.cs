using System.Text.Json.Nodes;
using Retina.Api.MetricsConfiguration;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Client;
using Retina.Testing.Waiting;
using MetricsConfig = Retina.Api.MetricsConfiguration.MetricsConfiguration;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Tests.MetricsConfiguration;

public sealed class MetricsConfigurationControllerTests
{
    private static MetricsConfig Config(string name, string metric, params string[] sourceLabels)
    {
        var c = new MetricsConfig();
        c.Metadata.Name = name;
        c.Spec.ContextOptions = [new MetricsContextOptions { MetricName = metric, SourceLabels = [.. sourceLabels] }];
        c.Spec.Namespaces = new MetricsNamespaces { Include = ["default"] };
        return c;
    }

    [Fact]
    public async Task A_valid_configuration_is_accepted_and_reaches_every_node_runtime()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("node-a");
        await h.AddNodeAsync("node-b");
        await h.Client.CreateAsync(Config("web", "forward_count", "podname", "ip"), CancellationToken.None);

        foreach (var node in new[] { "node-a", "node-b" })
        {
            var runtime = await Until.ValueAsync(
                () => h.Client.GetAsync<NodeRuntimeObject>(node, null, CancellationToken.None),
                r => r?.Spec.Metrics?.ContextOptions?.Count == 1,
                $"{node}'s NodeRuntime carries the metrics");
            runtime!.Spec.Plugins!.Select(p => p.Name).ShouldBe(["packetforward", "dropreason"]);
            runtime.Spec.Metrics!.ContextOptions![0].SourceLabels.ShouldBe(["ip", "podname"]);
            runtime.Spec.Metrics.Sources!.Single().Name.ShouldBe("web");
        }

        var config = await Until.ValueAsync(
            () => h.Client.GetAsync<MetricsConfig>("web", null, CancellationToken.None),
            c => c?.Status?.State == MetricsState.Accepted && c.Status.NodesReady == "0/2",
            "the configuration is Accepted with 0/2 nodes ready");
        config!.Status!.ObservedGeneration.ShouldBe(config.Metadata.Generation);
    }

    [Fact]
    public async Task A_configuration_the_schema_rejects_is_answered_422_at_create_and_never_stored()
    {
        // A real API server refuses an unknown metric at apply time: no object, so no condition to expect.
        await using var h = await ControllerHarness.StartAsync();
        var error = await Should.ThrowAsync<KubeApiException>(() => h.Client.CreateAsync(Config("bad", "forward_countz", "ip"), CancellationToken.None));
        error.StatusCode.ShouldBe(System.Net.HttpStatusCode.UnprocessableEntity);
        error.Status.Details.Causes.ShouldContain(c => c.Field == "spec.contextOptions[0].metricName" && c.Reason == "FieldValueNotSupported");
        (await h.Client.GetAsync<MetricsConfig>("bad", null, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task An_invalid_configuration_is_errored_with_the_field_path_and_never_reaches_the_nodes()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("node-a");
        // The schema accepts it; only the validator sees that forward_count is configured twice.
        var bad = Config("bad", "forward_count", "ip");
        bad.Spec.ContextOptions.Add(new MetricsContextOptions { MetricName = "forward_count", SourceLabels = ["podname"] });
        await h.Client.CreateAsync(bad, CancellationToken.None);

        var config = await Until.ValueAsync(
            () => h.Client.GetAsync<MetricsConfig>("bad", null, CancellationToken.None),
            c => c?.Status?.State == MetricsState.Errored,
            "the configuration is Errored");
        config!.Status!.Reason!.ShouldContain("spec.contextOptions[1].metricName");
        config.Status.Conditions!.Single(c => c.Type == "Accepted").Status.ShouldBe("False");

        var runtime = await Until.ValueAsync(
            () => h.Client.GetAsync<NodeRuntimeObject>("node-a", null, CancellationToken.None),
            r => r is not null, "node-a's NodeRuntime exists");
        runtime!.Spec.Metrics.ShouldBeNull();
    }

    [Fact]
    public async Task Nodes_ready_counts_the_nodes_that_report_the_configurations_generation()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("node-a");
        await h.AddNodeAsync("node-b");
        var created = await h.Client.CreateAsync(Config("web", "drop_count", "ip"), CancellationToken.None);
        await Until.TrueAsync(async () => await h.Client.GetAsync<NodeRuntimeObject>("node-a", null, CancellationToken.None) is not null, "node-a's runtime exists");

        // node-a's runtime reports that it applied this generation; node-b says nothing yet.
        var applied = new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["appliedMetrics"] = new JsonArray(new JsonObject { ["name"] = "web", ["generation"] = created.Metadata.Generation }),
            },
        };
        await h.Client.PatchStatusAsync<NodeRuntimeObject>("node-a", null, KubePatch.Merge(applied), CancellationToken.None);

        var config = await Until.ValueAsync(
            () => h.Client.GetAsync<MetricsConfig>("web", null, CancellationToken.None),
            c => c?.Status?.NodesReady == "1/2", "1 of 2 nodes ready");
        config!.Status!.Conditions!.Single(c => c.Type == "Applied").Message!.ShouldContain("node-b");
    }

    [Fact]
    public async Task A_node_reporting_a_capped_metric_raises_a_cardinality_warning_naming_metric_and_cap()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("node-a");
        await h.Client.CreateAsync(Config("web", "forward_count", "ip"), CancellationToken.None);
        await Until.TrueAsync(async () => await h.Client.GetAsync<NodeRuntimeObject>("node-a", null, CancellationToken.None) is not null, "node-a's runtime exists");

        var capped = new JsonObject { ["status"] = new JsonObject { ["cappedMetrics"] = new JsonArray("forward_count=10000") } };
        await h.Client.PatchStatusAsync<NodeRuntimeObject>("node-a", null, KubePatch.Merge(capped), CancellationToken.None);

        var config = await Until.ValueAsync(() => h.Client.GetAsync<MetricsConfig>("web", null, CancellationToken.None),
            c => c?.Status?.Conditions?.Any(x => x.Type == "CardinalityWarning") == true, "the warning is raised");
        config!.Status!.State.ShouldBe(MetricsState.Warning);
        var warning = config.Status.Conditions!.Single(x => x.Type == "CardinalityWarning");
        warning.Message!.ShouldContain("forward_count");
        warning.Message!.ShouldContain("10000");
    }

    [Fact]
    public async Task Changing_the_configuration_writes_each_node_runtime_once()
    {
        await using var h = await ControllerHarness.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await h.AddNodeAsync($"node-{i}");
        }

        await h.Client.CreateAsync(Config("web", "drop_count", "ip"), CancellationToken.None);
        await Until.TrueAsync(async () =>
            (await h.Client.ListAsync<NodeRuntimeObject>(new ListOptions(), CancellationToken.None)).Items.Count(r => r.Spec.Metrics is not null) == 5,
            "all five runtimes carry the metrics");
        var before = h.Api.WriteCount("noderuntimes");

        // A spec-only merge patch, as `kubectl apply` would send: the controller writes status at the same time.
        var patch = System.Text.Json.Nodes.JsonNode.Parse("""{"spec":{"contextOptions":[{"metricName":"drop_count","sourceLabels":["ip","namespace"]}]}}""")!;
        await h.Client.PatchAsync<MetricsConfig>("web", null, KubePatch.Merge(patch), CancellationToken.None);

        await Until.TrueAsync(async () =>
            (await h.Client.ListAsync<NodeRuntimeObject>(new ListOptions(), CancellationToken.None)).Items
                .All(r => r.Spec.Metrics!.ContextOptions![0].SourceLabels!.Contains("namespace")),
            "every runtime carries the new labels");
        (h.Api.WriteCount("noderuntimes") - before).ShouldBe(5, string.Join(", ", h.Api.Requests.Where(r => r.Key.Plural == "noderuntimes").Select(r => $"{r.Key}={r.Value}")));
    }
}
