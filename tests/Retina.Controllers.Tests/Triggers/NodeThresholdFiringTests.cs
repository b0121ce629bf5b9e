using System.Text.Json;
using System.Text.Json.Nodes;
using Retina.Api.CapturePolicy;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Alerts;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Client;
using Retina.Testing.Waiting;
using CaptureObject = Retina.Api.Capture.Capture;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.Controllers.Tests.Triggers;

/// <summary>
/// A node's threshold breach in NodeRuntime.status.triggers fires its CapturePolicy the way an alert does: one child per
/// episode (node@since) on that node, whatever repeats or restarts, limits applied; with stopOnResolved the end of the
/// breach stops the child. The controllers run for real over the fake API; the test plays the node runtime's part.
/// </summary>
public sealed class NodeThresholdFiringTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static Policy DropPolicy(bool stopOnResolved = false)
    {
        var p = ThresholdTriggerTests.Policy("drops", new ThresholdTrigger { Metric = "dropRate", Above = 100, For = "5s", Reason = "NETFILTER_DROP" });
        p.Spec.CaptureTemplate.CaptureConfiguration.CaptureOption!.Duration = "5m";
        p.Spec.Cooldown = "10m";
        p.Spec.MaxConcurrent = 2;
        p.Spec.StopOnResolved = stopOnResolved ? true : null;
        return p;
    }

    private static Task ReportAsync(IKubeClient client, string node, params NodeTriggerStatus[] triggers) =>
        client.PatchStatusAsync<NodeRuntimeObject>(node, null, KubePatch.Merge(new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["heartbeatTime"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                ["triggers"] = JsonSerializer.SerializeToNode(triggers, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }),
            },
        }), None);

    private static NodeTriggerStatus Breach(DateTime since, string state = "Firing", DateTime? ended = null) => new()
    {
        Policy = "default/drops", Trigger = "t", State = state, Since = since, EndedTime = ended, Value = "812.5",
    };

    private static async Task<List<CaptureObject>> ChildrenAsync(IKubeClient client) =>
        (await client.ListAsync<CaptureObject>(new ListOptions { Namespace = "default", LabelSelector = ChildCapture.PolicyLabel }, None)).Items.ToList();

    private static Dictionary<string, string> Hostname(string node) => new() { ["kubernetes.io/hostname"] = node };

    private static DateTime Second(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    [Fact]
    public async Task A_breach_creates_one_child_on_its_node_and_repeats_restarts_and_the_next_episode_in_cooldown_create_no_other()
    {
        await using var api = await Testing.FakeKubeApi.FakeKubeApiServer.StartAsync();
        var h = await ControllerHarness.StartOnAsync(api);
        await h.AddNodeAsync("node-t", Hostname("node-t"));
        await h.AddNodeAsync("node-u", Hostname("node-u"));
        await h.Client.CreateAsync(DropPolicy(), None);

        var runtime = await Until.ValueAsync(() => h.Client.GetAsync<NodeRuntimeObject>("node-t", null, None),
            r => r?.Spec.Triggers is { Count: 1 }, "node-t is given the threshold to evaluate", TimeSpan.FromSeconds(30));
        var spec = runtime!.Spec.Triggers![0];
        (spec.Policy, spec.Metric, spec.Above, spec.WindowSeconds, spec.Reason).ShouldBe(("default/drops", "dropRate", 100L, 5, "NETFILTER_DROP"));

        var since = Second(DateTime.UtcNow);
        await ReportAsync(h.Client, "node-t", Breach(since));
        var children = await Until.ValueAsync(() => ChildrenAsync(h.Client), c => c.Count > 0, "the breach creates a child Capture", TimeSpan.FromSeconds(30));
        children.Count.ShouldBe(1);
        var child = children[0];
        child.Spec.CaptureConfiguration.CaptureTarget!.NodeSelector!.MatchLabels.ShouldBe(new Dictionary<string, string> { ["kubernetes.io/hostname"] = "node-t" });
        child.Metadata.Annotations![ChildCapture.EpisodeAnnotation].ShouldBe(ThresholdEpisode.Key("node-t", since));

        var policy = (await h.Client.GetAsync<Policy>("drops", "default", None))!;
        var firing = policy.Status!.Firings!.Single();
        (firing.Outcome, firing.Capture, firing.Trigger).ShouldBe(("Created", child.Metadata.Name, "t"));
        firing.Source.ShouldNotBeNull();
        firing.Source.ShouldContain("node node-t threshold: dropRate NETFILTER_DROP 812.5/s above 100/s for 5s");

        // The same episode again (a heartbeat), then a controller restart re-reading it.
        await ReportAsync(h.Client, "node-t", Breach(since));
        await h.StopAsync();
        h = await ControllerHarness.StartOnAsync(api);
        try
        {
            // A new episode on another node within the cooldown: recorded as suppressed, which also shows the restarted controller has read the status.
            await ReportAsync(h.Client, "node-u", Breach(since.AddSeconds(30)));
            policy = await Until.ValueAsync(() => h.Client.GetAsync<Policy>("drops", "default", None),
                p => p?.Status?.Firings?.Any(f => f.Outcome == "Cooldown") == true, "the second episode is suppressed by the cooldown", TimeSpan.FromSeconds(30));
            policy!.Status!.Firings!.Count(f => f.Outcome == "Created").ShouldBe(1);
            policy.Status.Firings!.First(f => f.Outcome == "Cooldown").Source!.ShouldContain("node node-u");
            (await ChildrenAsync(h.Client)).Count.ShouldBe(1, "repeat, restart and cooldown created no second child");
        }
        finally
        {
            await h.StopAsync();
        }
    }

    [Fact]
    public async Task With_stop_on_resolved_the_end_of_the_breach_marks_the_child_and_tells_its_node_to_stop()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("node-s", Hostname("node-s"));
        await h.Client.CreateAsync(DropPolicy(stopOnResolved: true), None);
        await Until.ValueAsync(() => h.Client.GetAsync<NodeRuntimeObject>("node-s", null, None), r => r?.Spec.Triggers is { Count: 1 }, "node-s gets the threshold", TimeSpan.FromSeconds(30));

        var since = Second(DateTime.UtcNow);
        await ReportAsync(h.Client, "node-s", Breach(since));
        var child = (await Until.ValueAsync(() => ChildrenAsync(h.Client), c => c.Count > 0, "the breach creates a child", TimeSpan.FromSeconds(30)))[0];
        var assigned = await Until.ValueAsync(() => h.Client.GetAsync<NodeRuntimeObject>("node-s", null, None),
            r => r?.Spec.Captures?.Any(c => c.Name == child.Metadata.Name) == true, "the child is assigned to node-s", TimeSpan.FromSeconds(30));
        assigned!.Spec.Captures!.Single(c => c.Name == child.Metadata.Name).Stop.ShouldBeNull("it runs for its duration until the breach ends");

        await ReportAsync(h.Client, "node-s", Breach(since, "Ok", Second(DateTime.UtcNow)));
        var stopping = await Until.ValueAsync(() => h.Client.GetAsync<NodeRuntimeObject>("node-s", null, None),
            r => r?.Spec.Captures?.Any(c => c.Name == child.Metadata.Name && c.Stop == true) == true, "the node is told to stop the child", TimeSpan.FromSeconds(30));
        stopping.ShouldNotBeNull();
        var marked = (await h.Client.GetAsync<CaptureObject>(child.Metadata.Name, "default", None))!;
        marked.Metadata.Annotations![ResolvedStopper.StopRequestedAnnotation].ShouldBe("the threshold breach on node node-s ended");
    }

    [Fact]
    public async Task Without_stop_on_resolved_the_end_of_the_breach_leaves_the_child_running_its_duration()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("node-k", Hostname("node-k"));
        await h.Client.CreateAsync(DropPolicy(), None);
        await Until.ValueAsync(() => h.Client.GetAsync<NodeRuntimeObject>("node-k", null, None), r => r?.Spec.Triggers is { Count: 1 }, "node-k gets the threshold", TimeSpan.FromSeconds(30));

        var since = Second(DateTime.UtcNow);
        await ReportAsync(h.Client, "node-k", Breach(since));
        var child = (await Until.ValueAsync(() => ChildrenAsync(h.Client), c => c.Count > 0, "the breach creates a child", TimeSpan.FromSeconds(30)))[0];
        await ReportAsync(h.Client, "node-k", Breach(since, "Ok", Second(DateTime.UtcNow)));

        // A later episode in cooldown shows the controller has read the ended one.
        await ReportAsync(h.Client, "node-k", Breach(since.AddSeconds(20)));
        await Until.TrueAsync(async () => (await h.Client.GetAsync<Policy>("drops", "default", None))?.Status?.Firings?.Any(f => f.Outcome == "Cooldown") == true,
            "the controller read the later episode", TimeSpan.FromSeconds(30));
        var still = (await h.Client.GetAsync<CaptureObject>(child.Metadata.Name, "default", None))!;
        (still.Metadata.Annotations ?? new Dictionary<string, string>()).ShouldNotContainKey(ResolvedStopper.StopRequestedAnnotation);
    }
}
