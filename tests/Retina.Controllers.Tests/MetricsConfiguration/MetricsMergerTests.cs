using Retina.Api.MetricsConfiguration;
using Retina.Controllers.MetricsConfiguration;
using MetricsConfig = Retina.Api.MetricsConfiguration.MetricsConfiguration;

namespace Retina.Controllers.Tests.MetricsConfiguration;

public sealed class MetricsMergerTests
{
    private static MetricsConfig Config(string name, long generation, MetricsNamespaces ns, params MetricsContextOptions[] options)
    {
        var c = new MetricsConfig();
        c.Metadata.Name = name;
        c.Metadata.Generation = generation;
        c.Spec.ContextOptions = options.ToList();
        c.Spec.Namespaces = ns;
        return c;
    }

    private static MetricsContextOptions Option(string metric, string[]? src = null, string[]? dst = null, string? ttl = null) =>
        new() { MetricName = metric, SourceLabels = src?.ToList(), DestinationLabels = dst?.ToList(), Ttl = ttl };

    [Fact]
    public void The_merge_does_not_depend_on_the_order_configurations_arrive_in()
    {
        var a = Config("a", 1, new MetricsNamespaces { Include = ["web"] }, Option("forward_count", ["podname", "ip"]));
        var b = Config("b", 4, new MetricsNamespaces { Include = ["db", "web"] }, Option("forward_count", ["port"], ["ip"], "5m"), Option("drop_count", ["ip"]));

        var ab = MetricsMerger.Merge([a, b])!;
        var ba = MetricsMerger.Merge([b, a])!;

        System.Text.Json.JsonSerializer.Serialize(ab).ShouldBe(System.Text.Json.JsonSerializer.Serialize(ba));
        ab.ContextOptions!.Select(o => o.MetricName).ShouldBe(["drop_count", "forward_count"]);
        ab.ContextOptions![1].SourceLabels.ShouldBe(["ip", "podname", "port"]);
        ab.ContextOptions![1].DestinationLabels.ShouldBe(["ip"]);
        ab.Namespaces!.Include.ShouldBe(["db", "web"]);
        ab.Sources!.Select(s => (s.Name, s.Generation)).ShouldBe([("a", 1L), ("b", 4L)]);
    }

    [Fact]
    public void A_metric_without_ttl_in_any_configuration_never_expires()
    {
        var merged = MetricsMerger.Merge([
            Config("a", 1, new MetricsNamespaces { Include = ["x"] }, Option("drop_count", ["ip"], ttl: "5m")),
            Config("b", 1, new MetricsNamespaces { Include = ["x"] }, Option("drop_count", ["ip"])),
        ])!;
        merged.ContextOptions![0].Ttl.ShouldBeNull();
    }

    [Fact]
    public void The_longest_ttl_wins_so_no_one_loses_a_series_they_asked_for()
    {
        var merged = MetricsMerger.Merge([
            Config("a", 1, new MetricsNamespaces { Include = ["x"] }, Option("drop_count", ["ip"], ttl: "90s")),
            Config("b", 1, new MetricsNamespaces { Include = ["x"] }, Option("drop_count", ["ip"], ttl: "1m")),
        ])!;
        merged.ContextOptions![0].Ttl.ShouldBe("90s");
    }

    [Fact]
    public void Excludes_cover_everything_but_what_all_exclude_lists_name_and_no_include_covers()
    {
        var ns = MetricsMerger.MergeNamespaces([
            new MetricsNamespaces { Exclude = ["kube-system", "secret", "batch"] },
            new MetricsNamespaces { Exclude = ["kube-system", "secret"] },
            new MetricsNamespaces { Include = ["secret"] },
        ]);
        ns.Include.ShouldBeNull();
        ns.Exclude.ShouldBe(["kube-system"]);
    }

    [Fact]
    public void No_accepted_configuration_means_no_pod_level_metrics()
    {
        MetricsMerger.Merge([]).ShouldBeNull();
    }
}
