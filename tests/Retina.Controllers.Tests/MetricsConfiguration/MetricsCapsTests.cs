using Retina.Api.Common;
using Retina.Api.MetricsConfiguration;
using Retina.Api.NodeRuntime;
using Retina.Controllers.MetricsConfiguration;
using Retina.Controllers.Tests.Support;
using Retina.Testing.Waiting;
using MetricsConfig = Retina.Api.MetricsConfiguration.MetricsConfiguration;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Tests.MetricsConfiguration;

/// <summary>The lists MetricsConfigurations make the controllers write stay within their schema caps, visibly.</summary>
public sealed class MetricsCapsTests
{
    private static MetricsConfig Config(string name)
    {
        var c = new MetricsConfig();
        c.Metadata.Name = name;
        c.Spec.ContextOptions = [new MetricsContextOptions { MetricName = "forward_count", SourceLabels = ["ip"] }];
        c.Spec.Namespaces = new MetricsNamespaces { Include = ["default"] };
        return c;
    }

    [Fact]
    public async Task Past_256_configurations_the_nodes_merge_the_first_256_by_name_and_the_rest_say_they_are_not_applied()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("node-a");
        const int count = NodeMetricsSpec.MaxSources + 2;
        for (var i = 0; i < count; i++)
        {
            await h.Client.CreateAsync(Config($"mc-{i:D3}"), CancellationToken.None);
        }

        var runtime = await Until.ValueAsync(
            () => h.Client.GetAsync<NodeRuntimeObject>("node-a", null, CancellationToken.None),
            r => r?.Spec.Metrics?.Sources?.Count == NodeMetricsSpec.MaxSources, "node-a merges 256 configurations", TimeSpan.FromSeconds(60));
        runtime!.Spec.Metrics!.Sources![^1].Name.ShouldBe($"mc-{NodeMetricsSpec.MaxSources - 1:D3}");

        var last = await Until.ValueAsync(
            () => h.Client.GetAsync<MetricsConfig>($"mc-{count - 1:D3}", null, CancellationToken.None),
            c => c?.Status?.State == MetricsState.Errored, "the last configuration by name is not applied", TimeSpan.FromSeconds(60));
        var accepted = last!.Status!.Conditions!.Single(c => c.Type == MetricsState.ConditionAccepted);
        accepted.Reason.ShouldBe(MetricsState.ReasonSourcesCapReached);
        accepted.Message!.ShouldContain($"first {NodeMetricsSpec.MaxSources} by name");
        accepted.Message!.ShouldContain($"number {count}");
        await Until.ValueAsync(
            () => h.Client.GetAsync<MetricsConfig>("mc-000", null, CancellationToken.None),
            c => c?.Status?.State == MetricsState.Accepted, "the first configuration is accepted", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void A_configuration_whose_namespaces_would_take_the_merged_include_list_past_1000_is_left_out_and_says_why()
    {
        MetricsConfig WithNamespaces(string name, int from, int count)
        {
            var c = Config(name);
            c.Spec.Namespaces = new MetricsNamespaces { Include = [.. Enumerable.Range(from, count).Select(i => $"ns-{i:D4}")] };
            return c;
        }

        var a = WithNamespaces("a", 0, 600);
        var b = WithNamespaces("b", 500, 600);   // 100 shared with a: 1100 together
        var c = WithNamespaces("c", 0, 400);     // all inside a's: still 600

        var admitted = MetricsMerger.Admitted([c, b, a]);

        admitted.Select(x => x.Metadata.Name).ShouldBe(["a", "c"]);
        MetricsMerger.Merge([a, b, c])!.Namespaces!.Include!.Count.ShouldBe(600);
        MetricsMerger.Merge([a, b, c])!.Sources!.Select(s => s.Name).ShouldBe(["a", "c"]);
    }

    [Fact]
    public void Status_lists_at_most_5000_nodes_and_nodes_ready_counts_them_all()
    {
        var config = Config("wide");
        config.Metadata.Generation = 1;
        var runtimes = Enumerable.Range(0, MetricsStatus.MaxNodes + 3).Select(i =>
        {
            var r = new NodeRuntimeObject();
            r.Metadata.Name = $"node-{i:D5}";
            r.Status = new NodeRuntimeStatus { AppliedMetrics = [new NodeMetricsSource { Name = "wide", Generation = 1 }] };
            return r;
        }).ToList();

        var status = MetricsStatusBuilder.Apply(new MetricsStatus(), config, new ValidationReport(), [], runtimes, DateTime.UtcNow);

        status.Nodes!.Count.ShouldBe(MetricsStatus.MaxNodes);
        status.NodesReady.ShouldBe($"{MetricsStatus.MaxNodes + 3}/{MetricsStatus.MaxNodes + 3}");
        var cut = status.Conditions!.Single(c => c.Type == MetricsState.ConditionNodesListTruncated);
        cut.Reason.ShouldBe(MetricsState.ReasonNodesListTruncated);
        cut.Message!.ShouldContain($"first {MetricsStatus.MaxNodes} of {MetricsStatus.MaxNodes + 3} nodes");
    }
}
