using System.Text.Json;
using System.Text.Json.Nodes;
using Retina.Api.Capture;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Capture;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Client;
using Retina.Testing.Waiting;
using CaptureObject = Retina.Api.Capture.Capture;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Tests.Capture;

/// <summary>Every list a Capture makes the controllers write stays within its schema cap, and the Capture says what happened.</summary>
public sealed class CaptureCapsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static Task<CaptureObject?> Get(ControllerHarness h, string ns, string name) => h.Client.GetAsync<CaptureObject>(name, ns, None);

    private static Task<NodeRuntimeObject?> Runtime(ControllerHarness h, string node) => h.Client.GetAsync<NodeRuntimeObject>(node, null, None);

    private static Task FillCapturesAsync(ControllerHarness h, string node, int count) =>
        h.Client.PatchAsync<NodeRuntimeObject>(node, null, KubePatch.Merge(new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["captures"] = JsonSerializer.SerializeToNode(Enumerable.Range(0, count).Select(i => new NodeCaptureAssignment
                {
                    Key = $"busy/c{i:D3}/uid-{i}", Namespace = "busy", Name = $"c{i:D3}", Duration = "1h", MaxCaptureSizeMb = 1,
                }).ToList(), new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }),
            },
        }), None);

    [Fact]
    public async Task A_capture_on_a_node_that_already_runs_256_captures_waits_queued_and_starts_when_one_ends()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        await Until.TrueAsync(async () => await Runtime(h, "n1") is not null, "n1's NodeRuntime exists");
        await FillCapturesAsync(h, "n1", NodeRuntimeSpec.MaxCaptures);

        var created = await h.Client.CreateAsync(Objects.NodeCapture("default", "late"), None);
        var queued = await Until.ValueAsync(() => Get(h, "default", "late"),
            c => c?.Status?.Conditions?.Any(k => k.Type == CaptureReasons.Queued) == true, "the capture says it is queued");
        queued!.Status!.Phase.ShouldBe(CapturePhase.Pending);
        var condition = queued.Status.Conditions!.Single(k => k.Type == CaptureReasons.Queued);
        condition.Reason.ShouldBe(CaptureReasons.NodeCaptureCapReached);
        condition.Message!.ShouldContain("256");
        condition.Message!.ShouldContain("n1");
        queued.Status.Nodes!.Single().Message!.ShouldContain("queued");
        queued.Status.TotalNodes.ShouldBe(1);
        (await Runtime(h, "n1"))!.Spec.Captures!.Count.ShouldBe(NodeRuntimeSpec.MaxCaptures);

        // One capture ends: its entry goes, and the queued one takes the place.
        await FillCapturesAsync(h, "n1", NodeRuntimeSpec.MaxCaptures - 1);
        var runtime = await Until.ValueAsync(() => Runtime(h, "n1"),
            r => r?.Spec.Captures?.Any(a => a.Key == $"default/late/{created.Metadata.Uid}") == true, "the queued capture is assigned once room frees", TimeSpan.FromSeconds(30));
        runtime!.Spec.Captures!.Count.ShouldBe(NodeRuntimeSpec.MaxCaptures);
        await Until.ValueAsync(() => Get(h, "default", "late"),
            c => c?.Status?.Conditions?.Any(k => k.Type == CaptureReasons.Queued) == false, "the Queued condition clears");
    }

    [Fact]
    public async Task A_pod_capture_with_more_pod_ips_on_a_node_than_the_cap_keeps_the_first_1024_and_says_how_many_were_left_out()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        const int pods = NodeCaptureAssignment.MaxPodIps + 6;
        for (var i = 0; i < pods; i++)
        {
            await h.AddPodAsync(Objects.Pod("shop", $"web-{i:D4}", "n1", $"10.2.{i / 250}.{i % 250 + 1}"));
        }

        await h.Client.CreateAsync(Objects.PodCapture("shop", "many"), None);
        var runtime = await Until.ValueAsync(() => Runtime(h, "n1"), r => r?.Spec.Captures?.Count == 1, "n1 gets the assignment", TimeSpan.FromSeconds(60));
        runtime!.Spec.Captures![0].PodIps!.Count.ShouldBe(NodeCaptureAssignment.MaxPodIps);
        var capture = await Until.ValueAsync(() => Get(h, "shop", "many"),
            c => c?.Status?.Conditions?.Any(k => k.Type == "Accepted" && k.Message!.Contains("pod IPs")) == true, "the Accepted condition names the cut");
        capture!.Status!.Conditions!.Single(k => k.Type == "Accepted").Message!.ShouldContain($"the first {NodeCaptureAssignment.MaxPodIps} of {pods} pod IPs");
    }

    [Fact]
    public void Status_lists_more_nodes_than_the_cap_by_name_and_counts_them_all()
    {
        var capture = Objects.NodeCapture("default", "wide");
        capture.Metadata.Uid = "u";
        var nodes = Enumerable.Range(0, CaptureStatus.MaxNodes + 7).Select(i => $"node-{i:D5}").ToList();

        CaptureStatusAggregator.Apply(capture, nodes, _ => null, DateTime.UtcNow);

        capture.Status!.Nodes!.Count.ShouldBe(CaptureStatus.MaxNodes);
        capture.Status.Nodes[^1].Node.ShouldBe($"node-{CaptureStatus.MaxNodes - 1:D5}");
        capture.Status.TotalNodes.ShouldBe(CaptureStatus.MaxNodes + 7);
        capture.Status.Active.ShouldBe(CaptureStatus.MaxNodes + 7);
        var cut = capture.Status.Conditions!.Single(c => c.Type == CaptureReasons.ListsTruncated);
        cut.Reason.ShouldBe(CaptureReasons.NodesListCapReached);
        cut.Message!.ShouldContain($"first {CaptureStatus.MaxNodes} of {CaptureStatus.MaxNodes + 7} nodes");
    }

    [Fact]
    public void Status_lists_more_artifacts_than_the_cap_up_to_the_cap_and_counts_them_all_once()
    {
        var capture = Objects.NodeCapture("default", "rotating");
        capture.Metadata.Uid = "u";
        var key = CaptureAssignmentBuilder.Key(capture);
        // A node reports at most 16 artifacts per capture (its own cap): 1251 rotating nodes pass 20000.
        const int perNode = 16, nodeCount = (CaptureStatus.MaxArtifacts / perNode) + 1;
        var runtimes = Enumerable.Range(0, nodeCount).ToDictionary(i => $"n{i}", i =>
        {
            var r = new NodeRuntimeObject();
            r.Metadata.Name = $"n{i}";
            r.Status = new NodeRuntimeStatus
            {
                HeartbeatTime = DateTime.UtcNow,
                Captures = [new NodeWorkStatus
                {
                    Key = key, Phase = CapturePhase.Running,
                    Artifacts = [.. Enumerable.Range(0, perNode).Select(j => new CaptureArtifact { Node = $"n{i}", Output = "hostPath", Location = $"/cap/n{i}-{j}.tar.gz" })],
                }],
            };
            return r;
        });

        for (var pass = 0; pass < 2; pass++)
        {
            CaptureStatusAggregator.Apply(capture, runtimes.Keys.ToList(), n => runtimes[n], DateTime.UtcNow);
        }

        capture.Status!.Artifacts!.Count.ShouldBe(CaptureStatus.MaxArtifacts);
        capture.Status.TotalArtifacts.ShouldBe(nodeCount * perNode);
        var cut = capture.Status.Conditions!.Single(c => c.Type == CaptureReasons.ListsTruncated);
        cut.Reason.ShouldBe(CaptureReasons.ArtifactsListCapReached);
        cut.Message!.ShouldContain($"first {CaptureStatus.MaxArtifacts} of {nodeCount * perNode} artifacts");
    }
}
