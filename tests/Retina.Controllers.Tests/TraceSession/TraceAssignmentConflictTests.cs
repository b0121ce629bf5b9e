using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Client;
using Retina.Testing.FakeKubeApi;
using static Retina.Controllers.Tests.TraceSession.TraceBed;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Tests.TraceSession;

/// <summary>The NodeRuntime spec.traces write is resourceVersion-checked, retried on 409, and leaves spec.captures alone.</summary>
public sealed class TraceAssignmentConflictTests
{
    [Fact]
    public async Task A_409_on_the_node_spec_write_is_retried_and_the_captures_list_is_kept()
    {
        await using var h = await ControllerHarness.StartAsync(o => o.TraceStatusInterval = "100ms");
        await h.AddNodeAsync("n1");
        await Retina.Testing.Waiting.Until.TrueAsync(async () => await Runtime(h, "n1") is not null, "the node's NodeRuntime exists");
        var capture = new NodeCaptureAssignment { Key = "default/other/uid-1", Namespace = "default", Name = "other" };
        await h.Client.PatchAsync<NodeRuntimeObject>("n1", null, KubePatch.Merge(new JsonObject
        {
            ["spec"] = new JsonObject { ["captures"] = JsonSerializer.SerializeToNode(new[] { capture }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }) },
        }), CancellationToken.None);
        await h.AddPodAsync(Objects.Pod("default", "web-1", "n1", "10.1.0.5"));
        h.Api.Faults.Add(new FakeFault { Verb = "patch", Plural = "noderuntimes", Code = HttpStatusCode.Conflict, Times = 2 });

        await h.Client.CreateAsync(PodTrace("default", "t"), CancellationToken.None);

        (await AssignmentOn(h, "n1")).PodIps.ShouldBe(["10.1.0.5"]);
        h.Api.Faults.Fired.Count(f => f.Plural == "noderuntimes" && f.Code == HttpStatusCode.Conflict).ShouldBe(2);
        (await Runtime(h, "n1"))!.Spec.Captures!.Single().Key.ShouldBe(capture.Key, "another list's entries are untouched");
    }
}
