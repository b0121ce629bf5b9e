using System.Text.Json;
using Retina.Api.MetricsConfiguration;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Store;
using Retina.Testing.Repo;
using Retina.Testing.Waiting;
using MetricsConfig = Retina.Api.MetricsConfiguration.MetricsConfiguration;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Tests.MetricsConfiguration;

/// <summary>
/// Every MetricsConfiguration found in Retina's repository (restated under RetinaSamples/, each naming its source and
/// commit) is accepted and reaches the nodes with Retina's meaning: tokens lower-cased, unknown ones adding no label.
/// </summary>
public sealed class RetinaMetricsConfigurationTests
{
    /// <summary>Per sample: the state, then per metric the source, destination and additional labels the node runs ("-" for none).</summary>
    public static TheoryData<string, string, string[]> Samples => new()
    {
        { "advanced-profile.yaml", MetricsState.Warning, ["drop_count|ip,port|-|direction", "forward_count|ip,port|-|direction"] },
        { "goldpinger-e2e.yaml", MetricsState.Accepted, [
            "drop_count|ip,podname|ip,podname,workload|-",
            "forward_count|ip,podname|ip,podname,workload|-",
            "tcp_retransmission_count|ip,podname|ip,podname,workload|-"] },
        { "docs-crd-concepts.yaml", MetricsState.Accepted, ["drop_count|ip,podname,port|-|direction", "forward_count|ip,podname,port|-|direction"] },
    };

    private static MetricsConfig Load(string file)
    {
        var text = File.ReadAllText(RepoPaths.Combine("tests", "Retina.Controllers.Tests", "MetricsConfiguration", "RetinaSamples", file));
        return YamlJson.ParseAll(text).Single().Deserialize<MetricsConfig>()!;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Retinas_own_configuration_is_accepted_and_reaches_the_node_with_Retinas_labels(string file, string state, string[] expected)
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("node-a");
        var sample = Load(file);
        await h.Client.CreateAsync(sample, CancellationToken.None);

        var runtime = await Until.ValueAsync(
            () => h.Client.GetAsync<NodeRuntimeObject>("node-a", null, CancellationToken.None),
            r => r?.Spec.Metrics?.ContextOptions?.Count == expected.Length,
            $"node-a's NodeRuntime carries {file}'s metrics");
        var shown = runtime!.Spec.Metrics!.ContextOptions!
            .Select(o => $"{o.MetricName}|{Join(o.SourceLabels)}|{Join(o.DestinationLabels)}|{Join(o.AdditionalLabels)}")
            .ToArray();
        shown.ShouldBe(expected);

        var config = await Until.ValueAsync(
            () => h.Client.GetAsync<MetricsConfig>(sample.Metadata.Name, null, CancellationToken.None),
            c => c?.Status?.State == state,
            $"{file} is {state}");
        config!.Status!.Conditions!.Single(c => c.Type == MetricsState.ConditionAccepted).Status.ShouldBe("True");
    }

    [Fact]
    public async Task Retinas_advanced_profile_names_each_ignored_token_with_its_field_path()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("node-a");
        await h.Client.CreateAsync(Load("advanced-profile.yaml"), CancellationToken.None);

        var config = await Until.ValueAsync(
            () => h.Client.GetAsync<MetricsConfig>("metricsconfigcrd", null, CancellationToken.None),
            c => c?.Status?.State == MetricsState.Warning,
            "the profile is in state Warning");
        var ignored = config!.Status!.Conditions!.Single(c => c.Type == MetricsState.ConditionLabelsIgnored);
        ignored.Status.ShouldBe("True");
        ignored.Reason.ShouldBe(MetricsState.ReasonUnknownLabelIgnored);
        ignored.Message!.ShouldContain("spec.contextOptions[0].sourceLabels[1]: unknown label \"pod\" ignored");
        ignored.Message!.ShouldContain("spec.contextOptions[1].sourceLabels[1]: unknown label \"pod\" ignored");
        config.Status.Reason!.ShouldContain("sourceLabels[1]");
    }

    [Fact]
    public async Task Fixing_the_ignored_token_clears_the_warning()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("node-a");
        await h.Client.CreateAsync(Load("advanced-profile.yaml"), CancellationToken.None);
        await Until.ValueAsync(
            () => h.Client.GetAsync<MetricsConfig>("metricsconfigcrd", null, CancellationToken.None),
            c => c?.Status?.State == MetricsState.Warning, "the profile is in state Warning");

        // the controller writes status meanwhile: a 409 means re-read and apply again, as kubectl edit would
        await Until.TrueAsync(async () =>
        {
            var current = await h.Client.GetAsync<MetricsConfig>("metricsconfigcrd", null, CancellationToken.None);
            foreach (var o in current!.Spec.ContextOptions)
            {
                o.SourceLabels = ["ip", "PodName", "port"];
            }

            try
            {
                await h.Client.UpdateAsync(current, CancellationToken.None);
                return true;
            }
            catch (Retina.Kube.Client.KubeApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                return false;
            }
        }, "the fixed spec is written");
        var config = await Until.ValueAsync(
            () => h.Client.GetAsync<MetricsConfig>("metricsconfigcrd", null, CancellationToken.None),
            c => c?.Status?.State == MetricsState.Accepted, "the fixed profile is Accepted");
        config!.Status!.Conditions!.ShouldNotContain(c => c.Type == MetricsState.ConditionLabelsIgnored);
        var runtime = await Until.ValueAsync(
            () => h.Client.GetAsync<NodeRuntimeObject>("node-a", null, CancellationToken.None),
            r => r?.Spec.Metrics?.ContextOptions?[0].SourceLabels?.Count == 3, "node-a runs the fixed labels");
        runtime!.Spec.Metrics!.ContextOptions![0].SourceLabels.ShouldBe(["ip", "podname", "port"]);
    }

    private static string Join(List<string>? labels) => labels is null or { Count: 0 } ? "-" : string.Join(",", labels);
}
