using System.Text.Json;
using k8s.Models;
using Retina.Api.MetricsConfiguration;
using Retina.Api.NodeRuntime;
using Retina.Controllers.MetricsConfiguration;
using Retina.Controllers.NodeRuntime;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Tests.Knobs;

public sealed class ObserveAnnotationTests
{
    private static V1Pod Pod(string ns, string name, string node, string? value = "observe", string phase = "Running") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Annotations = value is null ? null : new Dictionary<string, string> { ["retina.sh"] = value } },
        Spec = new V1PodSpec { NodeName = node },
        Status = new V1PodStatus { Phase = phase },
    };

    private static V1Namespace Namespace(string name, string? key = "retina.sh") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Annotations = key is null ? null : new Dictionary<string, string> { [key] = "observe" } },
    };

    [Fact]
    public void Only_this_nodes_running_annotated_pods_outside_annotated_namespaces_are_listed()
    {
        var observed = ObserveAnnotation.Observed("n1",
            [Namespace("shop"), Namespace("old", "retina.sh/v1alpha1"), Namespace("plain", null)],
            [
                Pod("shop", "in-annotated-ns", "n1"), Pod("plain", "a", "n1"), Pod("plain", "elsewhere", "n2"),
                Pod("plain", "done", "n1", phase: "Succeeded"), Pod("plain", "other-value", "n1", "ignore"), Pod("plain", "b", "n1", "Observe"),
            ])!;
        observed.Namespaces.ShouldBe(["old", "shop"]);
        observed.Pods.ShouldBe(["plain/a", "plain/b"]);
        ObserveAnnotation.Observed("n1", [Namespace("plain", null)], [Pod("plain", "x", "n1", null)]).ShouldBeNull();
    }

    [Fact]
    public void With_every_source_slot_taken_by_configurations_the_annotation_entry_still_fits_the_schema()
    {
        var configs = Enumerable.Range(0, NodeMetricsSpec.MaxSources + 3).Select(i =>
        {
            var c = new Api.MetricsConfiguration.MetricsConfiguration();
            c.Metadata.Name = $"mc-{i:D3}";
            c.Metadata.Generation = 1;
            c.Spec.ContextOptions = [new MetricsContextOptions { MetricName = "forward_count", SourceLabels = ["ip"] }];
            return c;
        }).ToList();
        var merged = MetricsMerger.Merge(MetricsMerger.Admitted(configs));
        merged!.Sources!.Count.ShouldBe(NodeMetricsSpec.MaxSources);

        var spec = ObserveAnnotation.Merge(merged, new NodeObservedSpec { Pods = ["a/b"] }, "5m")!;
        var cap = typeof(NodeMetricsSpec).GetProperty(nameof(NodeMetricsSpec.Sources))!.GetCustomAttributes(typeof(Api.Schema.MaxItemsAttribute), false)
            .Cast<Api.Schema.MaxItemsAttribute>().Single().Max;
        spec.Sources!.Count.ShouldBe(NodeMetricsSpec.MaxSources + 1);
        spec.Sources.Count.ShouldBeLessThanOrEqualTo(cap, "past the schema's maxItems the API server refuses every later write of the node's spec");
        spec.Sources[^1].Name.ShouldBe(ObserveAnnotation.SourceName);
    }

    [Fact]
    public void Alone_the_annotation_brings_retinas_default_set_and_no_namespace_section()
    {
        var spec = ObserveAnnotation.Merge(null, new NodeObservedSpec { Pods = ["a/b"] }, "5m")!;
        spec.ContextOptions!.Select(o => o.MetricName).ShouldBe(ObserveAnnotation.DefaultMetrics.Order(StringComparer.Ordinal));
        spec.ContextOptions!.ShouldAllBe(o => o.SourceLabels!.SequenceEqual(new[] { "ip", "namespace", "podname", "workload" }) && o.Ttl == "5m");
        spec.Namespaces.ShouldBeNull();
        spec.Sources!.Single().Name.ShouldBe(ObserveAnnotation.SourceName);
    }

    [Fact]
    public void With_a_metrics_configuration_labels_are_the_union_and_an_unset_ttl_wins()
    {
        var merged = new NodeMetricsSpec
        {
            ContextOptions = [new MetricsContextOptions { MetricName = "forward_count", SourceLabels = ["port"], AdditionalLabels = ["direction"] }],
            Namespaces = new MetricsNamespaces { Include = ["shop"] },
            Sources = [new NodeMetricsSource { Name = "mc", Generation = 3 }],
        };
        var spec = ObserveAnnotation.Merge(merged, new NodeObservedSpec { Namespaces = ["web"] }, "5m")!;
        var forward = spec.ContextOptions!.Single(o => o.MetricName == "forward_count");
        forward.SourceLabels.ShouldBe(["ip", "namespace", "podname", "workload", "port"]);
        forward.AdditionalLabels.ShouldBe(["direction"]);
        forward.Ttl.ShouldBeNull("the MetricsConfiguration keeps its series: the longest ttl wins");
        spec.ContextOptions!.Single(o => o.MetricName == "drop_count").Ttl.ShouldBe("5m");
        spec.Namespaces!.Include.ShouldBe(["shop"]);
        spec.Sources!.Select(s => s.Name).ShouldBe(["mc", ObserveAnnotation.SourceName]);
        ObserveAnnotation.Merge(merged, null, "5m").ShouldBeSameAs(merged);
    }

    [Fact]
    public void When_the_last_annotation_goes_the_patch_removes_the_observed_section()
    {
        var before = ObserveAnnotation.Merge(new NodeMetricsSpec { ContextOptions = [], Namespaces = new MetricsNamespaces { Include = ["shop"] }, Sources = [] },
            new NodeObservedSpec { Namespaces = ["web"] }, "5m");
        var current = new NodeRuntimeSpec { Plugins = [new NodePluginSpec { Name = "packetparser" }], Metrics = before };
        var after = new NodeMetricsSpec { ContextOptions = [], Namespaces = new MetricsNamespaces { Include = ["shop"] }, Sources = [] };
        var patch = NodeRuntimeSpecBuilder.Patch(current, NodeRuntimeSpecBuilder.Desired(["packetparser"], after))!;
        var metrics = patch["metrics"]!.AsObject();
        metrics.ContainsKey("observed").ShouldBeTrue();
        metrics["observed"].ShouldBeNull("a merge patch keeps a field it does not name");
        JsonSerializer.Serialize(metrics).ShouldNotContain("web");
    }

    [Fact]
    public void A_metrics_configuration_merged_with_the_annotation_says_so_in_its_status()
    {
        var config = new Retina.Api.MetricsConfiguration.MetricsConfiguration();
        config.Metadata.Name = "mc";
        config.Metadata.Generation = 2;
        config.Spec.ContextOptions = [new MetricsContextOptions { MetricName = "forward_count", SourceLabels = ["podname"] }];
        config.Spec.Namespaces = new MetricsNamespaces { Include = ["shop"] };
        var runtime = new NodeRuntimeObject();
        runtime.Metadata.Name = "n1";
        runtime.Spec.Metrics = new NodeMetricsSpec { Sources = [new NodeMetricsSource { Name = "mc", Generation = 2 }, new NodeMetricsSource { Name = ObserveAnnotation.SourceName }] };
        var validator = new MetricsConfigurationValidator();
        validator.Validate(config).IsValid.ShouldBeTrue(validator.Validate(config).Summary());
        var status = MetricsStatusBuilder.Apply(new MetricsStatus(), config, validator.Validate(config), [runtime], DateTime.UtcNow);
        var condition = status.Conditions!.Single(c => c.Type == MetricsState.ConditionMergedWithAnnotations);
        condition.Message!.ShouldContain("on 1 node(s)");

        runtime.Spec.Metrics.Sources.RemoveAt(1);
        MetricsStatusBuilder.Apply(status, config, validator.Validate(config), [runtime], DateTime.UtcNow)
            .Conditions!.ShouldNotContain(c => c.Type == MetricsState.ConditionMergedWithAnnotations);
    }
}
