using Retina.Api.MetricsConfiguration;
using Retina.Api.NodeRuntime;
using Retina.Controllers.NodeRuntime;

namespace Retina.Controllers.Tests.NodeRuntime;

public sealed class NodeRuntimeSpecBuilderTests
{
    private static readonly string[] Configured = ["packetforward", "packetparser"];

    [Fact]
    public void Packetparser_runs_only_while_pod_level_metrics_are_asked_for()
    {
        NodeRuntimeSpecBuilder.Desired(Configured, null)["plugins"]!.AsArray().Select(p => p!["name"]!.GetValue<string>())
            .ShouldBe(["packetforward"]);
        var metrics = new NodeMetricsSpec { ContextOptions = [new MetricsContextOptions { MetricName = "forward_count" }] };
        NodeRuntimeSpecBuilder.Desired(Configured, metrics)["plugins"]!.AsArray().Select(p => p!["name"]!.GetValue<string>())
            .ShouldBe(["packetforward", "packetparser"]);
    }

    [Fact]
    public void Nothing_is_written_when_the_node_already_runs_the_desired_spec()
    {
        var current = new NodeRuntimeSpec { Plugins = [new NodePluginSpec { Name = "packetforward" }], Captures = [new NodeCaptureAssignment { Key = "a/b/c" }] };
        NodeRuntimeSpecBuilder.Patch(current, NodeRuntimeSpecBuilder.Desired(["packetforward"], null)).ShouldBeNull();
    }
}
