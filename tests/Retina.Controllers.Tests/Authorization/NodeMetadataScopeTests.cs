using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Capture;
using Retina.Controllers.Tests.Support;

namespace Retina.Controllers.Tests.Authorization;

/// <summary>The node's own network metadata goes to a node only for node-wide targets, the ones admission checked for nodes/capture.</summary>
public sealed class NodeMetadataScopeTests
{
    [Fact]
    public void Only_a_node_wide_capture_asks_the_node_for_its_own_network_state()
    {
        Build(Objects.NodeCapture("team-a", "n")).MetadataScope.ShouldBe(NodeCaptureAssignment.MetadataScopeNode);
    }

    [Theory]
    [InlineData("podSelector")]
    [InlineData("namespaceSelector")]
    [InlineData("podNames")]
    [InlineData("workloadRef")]
    public void Every_pod_target_gets_only_its_pods_network_namespaces(string kind)
    {
        var capture = Objects.PodCapture("team-a", "p");
        capture.Spec.CaptureConfiguration.CaptureTarget = kind switch
        {
            "podSelector" => new CaptureTarget { PodSelector = new LabelSelector() },
            "namespaceSelector" => new CaptureTarget { NamespaceSelector = new LabelSelector(), PodSelector = new LabelSelector() },
            "podNames" => new CaptureTarget { PodNames = ["web-0"] },
            _ => new CaptureTarget { WorkloadRef = new WorkloadReference { Kind = "Deployment", Name = "web" } },
        };

        var assignment = Build(capture);

        assignment.MetadataScope.ShouldBe(NodeCaptureAssignment.MetadataScopePods);
        assignment.IncludeMetadata.ShouldBeTrue();
    }

    private static NodeCaptureAssignment Build(Api.Capture.Capture capture) =>
        CaptureAssignmentBuilder.Build(capture, ["10.1.0.5"], null, DateTime.UtcNow, DateTime.UtcNow);
}
