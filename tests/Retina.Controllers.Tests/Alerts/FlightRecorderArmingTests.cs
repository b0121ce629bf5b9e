using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Api.CapturePolicy;
using Retina.Controllers.NodeRuntime;
using Retina.Controllers.Tests.Support;
using Retina.Testing.Waiting;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.Controllers.Tests.Alerts;

/// <summary>Armed policies that ask for preTriggerSeconds give the nodes they may target a flight recorder in NodeRuntime.spec, sized from them.</summary>
public sealed class FlightRecorderArmingTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static Policy Policy(string name, int preTrigger, int? bufferMB = null, LabelSelector? nodes = null, bool fromAlert = false)
    {
        var p = new Policy();
        p.Metadata.Name = name;
        p.Metadata.NamespaceProperty = "default";
        p.Spec.CaptureTemplate.CaptureConfiguration.CaptureOption = new CaptureOption { Duration = "30s", PreTriggerSeconds = preTrigger == 0 ? null : preTrigger };
        p.Spec.CaptureTemplate.CaptureConfiguration.CaptureTarget = nodes is null ? null : new CaptureTarget { NodeSelector = nodes };
        p.Spec.CaptureTemplate.OutputConfiguration.HostPath = "alerts";
        p.Spec.PreTriggerBufferMB = bufferMB;
        p.Spec.Triggers = [new CaptureTrigger { Name = "t", Alert = new AlertTrigger { AlertName = "A" } }];
        p.Spec.TargetFromAlertLabels = fromAlert || nodes is null ? new AlertLabelMapping { Node = "node" } : null;
        return p;
    }

    private static V1Node Node(string name, string role) => new() { Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["role"] = role } } };

    [Fact]
    public void The_recorder_takes_the_largest_buffer_and_the_longest_window_of_the_policies_that_may_target_the_node()
    {
        var db = new LabelSelector { MatchLabels = new() { ["role"] = "db" } };
        var policies = new[]
        {
            Policy("a", preTrigger: 10, bufferMB: 16),
            Policy("b", preTrigger: 45, nodes: db),
            Policy("c", preTrigger: 0, bufferMB: 512),
        };

        var web = NodeFlightRecorderDesired.For(Node("web-1", "web"), policies)!;
        (web.MaxBytes, web.Seconds).ShouldBe((16L * 1024 * 1024, 10));
        web.Policies.ShouldBe(["default/a"], "b selects db nodes only; c asks for no pre-trigger packets");

        var dbNode = NodeFlightRecorderDesired.For(Node("db-1", "db"), policies)!;
        (dbNode.MaxBytes, dbNode.Seconds).ShouldBe(((long)NodeFlightRecorderDesired.DefaultBufferMB * 1024 * 1024, 45));
        dbNode.Policies.ShouldBe(["default/a", "default/b"]);
    }

    [Fact]
    public void Suspended_invalid_or_deleting_policies_keep_no_recorder_on()
    {
        var suspended = Policy("s", 10);
        suspended.Spec.Suspend = true;
        var invalid = Policy("i", 10);
        invalid.Spec.Triggers = [];
        var deleting = Policy("d", 10);
        deleting.Metadata.DeletionTimestamp = DateTime.UtcNow;

        NodeFlightRecorderDesired.For(Node("n", "web"), [suspended, invalid, deleting]).ShouldBeNull();
    }

    [Fact]
    public async Task The_controllers_write_the_recorder_into_node_runtime_spec_and_take_it_away_when_the_policy_is_suspended()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("node-f");
        await h.Client.CreateAsync(Policy("drops", preTrigger: 20, bufferMB: 8), None);

        var armed = await Until.ValueAsync(() => h.Client.GetAsync<NodeRuntimeObject>("node-f", null, None),
            r => r?.Spec.FlightRecorder is not null, "node-f's NodeRuntime gets a flight recorder", TimeSpan.FromSeconds(30));
        (armed!.Spec.FlightRecorder!.MaxBytes, armed.Spec.FlightRecorder.Seconds).ShouldBe((8L * 1024 * 1024, 20));

        await h.Client.PatchAsync<Policy>("drops", "default", Kube.Client.KubePatch.Merge(new System.Text.Json.Nodes.JsonObject
        {
            ["spec"] = new System.Text.Json.Nodes.JsonObject { ["suspend"] = true },
        }), None);
        await Until.ValueAsync(() => h.Client.GetAsync<NodeRuntimeObject>("node-f", null, None),
            r => r is not null && r.Spec.FlightRecorder is null, "suspending the policy turns the recorder off", TimeSpan.FromSeconds(30));
    }
}
