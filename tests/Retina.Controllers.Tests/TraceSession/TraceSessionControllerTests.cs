using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.NodeRuntime;
using Retina.Api.TraceSession;
using Retina.Controllers.Tests.Support;
using Retina.Controllers.TraceSession;
using Retina.Kube.Client;
using Retina.Testing.Waiting;
using static Retina.Controllers.Tests.TraceSession.TraceBed;
using TraceObject = Retina.Api.TraceSession.TraceSession;

namespace Retina.Controllers.Tests.TraceSession;

/// <summary>A TraceSession through the fake API and the controllers, the test playing each node's runtime (issue 13).</summary>
public sealed class TraceSessionControllerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static Task<ControllerHarness> StartAsync(Action<Retina.Controllers.Options.RetinaControllerOptions>? configure = null) =>
        ControllerHarness.StartAsync(o =>
        {
            o.TraceStatusInterval = "100ms";
            configure?.Invoke(o);
        });

    [Fact]
    public async Task A_pod_trace_goes_to_the_nodes_of_matching_pods_with_their_ips_and_defaults_filled_in()
    {
        await using var h = await StartAsync();
        await h.AddNodeAsync("n1");
        await h.AddNodeAsync("n2");
        await h.AddNodeAsync("n3");
        await h.AddPodAsync(Objects.Pod("shop", "web-1", "n1", "10.1.0.5"));
        await h.AddPodAsync(Objects.Pod("shop", "web-2", "n1", "10.1.0.6"));
        await h.AddPodAsync(Objects.Pod("shop", "web-3", "n2", "10.1.0.7"));
        await h.AddPodAsync(Objects.Pod("shop", "db-1", "n3", "10.1.0.8", new() { ["app"] = "db" }));
        await h.AddPodAsync(Objects.Pod("other", "web-9", "n3", "10.1.0.9"));
        var created = await h.Client.CreateAsync(PodTrace("shop", "t"), None);

        var a1 = await AssignmentOn(h, "n1");
        a1.Key.ShouldBe($"shop/t/{created.Metadata.Uid}");
        a1.PodIps.ShouldBe(["10.1.0.5", "10.1.0.6"]);
        a1.WholeNode.ShouldBeNull();
        a1.Events.ShouldBe(["drop", "dns"]);
        a1.MaxEvents.ShouldBe(TraceAssignmentBuilder.DefaultMaxEvents);
        a1.MaxFileSizeMb.ShouldBe(100);
        a1.FileCount.ShouldBe(10);
        a1.HostPath.ShouldBe("traces");
        a1.Duration.ShouldBe("10m");
        a1.Stop.ShouldBeNull();
        (await AssignmentOn(h, "n2")).PodIps.ShouldBe(["10.1.0.7"]);

        var pending = await Until.ValueAsync(() => Get(h, "shop", "t"), t => t?.Status?.Nodes?.Count == 2, "status lists both nodes");
        pending!.Status!.Phase.ShouldBe(CapturePhase.Pending);
        pending.Status.StartTime.ShouldNotBeNull();
        a1.StartTime.ShouldBe(pending.Status.StartTime);
        pending.Status.Nodes!.Select(n => n.Reason).ShouldAllBe(r => r == TraceReasons.WaitingForNodeRuntime);
        pending.Status.Conditions!.Single(c => c.Type == TraceReasons.Targets).Reason.ShouldBe(TraceReasons.TargetsFound);
        (await Runtime(h, "n3"))!.Spec.Traces.ShouldBeNull();
    }

    [Fact]
    public async Task A_node_trace_traces_whole_matching_nodes()
    {
        await using var h = await StartAsync();
        await h.AddNodeAsync("linux-1", new() { ["os"] = "linux" });
        await h.AddNodeAsync("windows-1", new() { ["os"] = "windows" });
        var t = NodeTrace("default", "nodes");
        t.Spec.Target.NodeSelector!.MatchLabels = new() { ["os"] = "linux" };
        t.Spec.MaxEvents = 500;
        t.Spec.MaxEventsPerSecond = 50;
        t.Spec.Sampling = 3;
        t.Spec.Rotation = new TraceRotation { MaxFileSizeMb = 5, FileCount = 2 };
        t.Spec.Filters = new TraceFilters { Ports = [53], Protocols = ["udp"] };
        await h.Client.CreateAsync(t, None);

        var a = await AssignmentOn(h, "linux-1");
        a.WholeNode.ShouldBe(true);
        a.PodIps.ShouldBeNull();
        a.MaxEvents.ShouldBe(500);
        a.MaxEventsPerSecond.ShouldBe(50);
        a.Sampling.ShouldBe(3);
        a.MaxFileSizeMb.ShouldBe(5);
        a.FileCount.ShouldBe(2);
        a.Filters!.Ports.ShouldBe([53]);
        await Until.ValueAsync(() => Get(h, "default", "nodes"), x => x?.Status?.Nodes?.Count == 1, "status lists the linux node only");
        (await Runtime(h, "windows-1"))!.Spec.Traces.ShouldBeNull();
    }

    [Fact]
    public async Task Pods_that_start_later_join_on_their_node_and_on_a_node_already_traced()
    {
        await using var h = await StartAsync();
        await h.AddNodeAsync("n1");
        await h.AddNodeAsync("n2");
        await h.AddPodAsync(Objects.Pod("shop", "web-1", "n1", "10.1.0.5"));
        await h.Client.CreateAsync(PodTrace("shop", "t", duration: null), None);
        (await AssignmentOn(h, "n1")).PodIps.ShouldBe(["10.1.0.5"]);

        await h.AddPodAsync(Objects.Pod("shop", "web-2", "n1", "10.1.0.6"));
        await AssignmentOn(h, "n1", a => a.PodIps?.Count == 2, "n1's assignment gains the new pod's address");

        await h.AddPodAsync(Objects.Pod("shop", "web-3", "n2", "10.1.0.9"));
        var late = await AssignmentOn(h, "n2");
        late.PodIps.ShouldBe(["10.1.0.9"]);
        late.Duration.ShouldBeNull("a trace without duration runs until deleted, on every node");

        await h.Client.DeleteAsync<V1Pod>("web-1", "shop", None);
        await AssignmentOn(h, "n1", a => a.PodIps is ["10.1.0.6"], "a pod that went is no longer traced");
    }

    [Fact]
    public async Task A_trace_with_no_pods_yet_waits_and_says_so_until_one_starts()
    {
        await using var h = await StartAsync();
        await h.AddNodeAsync("n1");
        await h.Client.CreateAsync(PodTrace("shop", "t", duration: null), None);
        var waiting = await Until.ValueAsync(() => Get(h, "shop", "t"), t => t?.Status?.Conditions?.Any(c => c.Type == TraceReasons.Targets) == true, "the Targets condition is written");
        var targets = waiting!.Status!.Conditions!.Single(c => c.Type == TraceReasons.Targets);
        targets.Status.ShouldBe("False");
        targets.Reason.ShouldBe(TraceReasons.NoTargets);
        targets.Message!.ShouldContain("pods that start later join");
        waiting.Status.Phase.ShouldBe(CapturePhase.Pending);

        await h.AddPodAsync(Objects.Pod("shop", "web-1", "n1", "10.1.0.5"));
        (await AssignmentOn(h, "n1")).PodIps.ShouldBe(["10.1.0.5"]);
    }

    [Fact]
    public async Task Node_reports_are_aggregated_exactly_with_tops_merged_across_nodes_and_the_pods_named_in_events()
    {
        await using var h = await StartAsync();
        await h.AddNodeAsync("n1");
        await h.AddNodeAsync("n2");
        await h.AddPodAsync(Objects.Pod("default", "web-1", "n1", "10.1.0.5"));
        await h.AddPodAsync(Objects.Pod("default", "web-2", "n2", "10.1.0.6"));
        await h.Client.CreateAsync(PodTrace("default", "t"), None);
        var key = (await AssignmentOn(h, "n1")).Key;
        await AssignmentOn(h, "n2");

        var n1 = new NodeTraceStatus
        {
            Key = key,
            Phase = "Running",
            Events = 15,
            EventsByKind = new() { ["drop"] = 12, ["dns"] = 3 },
            LostEventsByReason = new() { ["RingBufferFull"] = 2 },
            TopDropReasons = [new TraceCount { Value = "NETFILTER_DROP", Count = 10, Pods = ["default/web-1"] }, new TraceCount { Value = "NO_SOCKET", Count = 2, Pods = ["default/web-1"] }],
            TopDnsFailures = [new TraceCount { Value = "nope.example. NXDOMAIN", Count = 3, Pods = ["default/web-1"] }],
        };
        var n2 = new NodeTraceStatus
        {
            Key = key,
            Phase = "Running",
            Events = 7,
            EventsByKind = new() { ["drop"] = 5, ["dns"] = 2 },
            LostEventsByReason = new() { ["RingBufferFull"] = 1, ["RateLimited"] = 4 },
            TopDropReasons = [new TraceCount { Value = "NO_SOCKET", Count = 5, Pods = ["default/web-2"] }],
            TopDnsFailures = [new TraceCount { Value = "db.example. SERVFAIL", Count = 2, Pods = ["default/web-2"] }],
        };
        await ReportAsync(h.Client, "n1", n1);
        await ReportAsync(h.Client, "n2", n2);

        var running = await Until.ValueAsync(() => Get(h, "default", "t"), t => t?.Status?.EventCount == 22, "both nodes' counts reach status");
        var s = running!.Status!;
        s.Phase.ShouldBe(CapturePhase.Running);
        s.Conditions!.Single(c => c.Type == "Ready").Status.ShouldBe("False", "a trace with a duration is ready once it completed, as a Job");
        s.EventsByKind.ShouldBe(new Dictionary<string, long> { ["dns"] = 5, ["drop"] = 17 }, ignoreOrder: true);
        s.LostEvents.ShouldBe(7);
        s.LostEventsByReason.ShouldBe(new Dictionary<string, long> { ["RateLimited"] = 4, ["RingBufferFull"] = 3 }, ignoreOrder: true);
        s.TopDropReason.ShouldBe("NETFILTER_DROP");
        s.TopDropReasons!.Select(c => (c.Value, c.Count)).ShouldBe([("NETFILTER_DROP", 10L), ("NO_SOCKET", 7L)]);
        s.TopDropReasons![1].Pods.ShouldBe(["default/web-2", "default/web-1"], "ranked by the drops each pod took");
        s.TopDnsFailures!.Select(c => c.Value).ShouldBe(["nope.example. NXDOMAIN", "db.example. SERVFAIL"]);
        s.Nodes!.Single(n => n.Node == "n2").LostEvents.ShouldBe(5);
        s.Nodes!.Single(n => n.Node == "n1").EventsByKind!["drop"].ShouldBe(12);
        s.Conditions!.Single(c => c.Type == TraceReasons.EventsLost).Message!.ShouldContain("7 event(s) lost (RateLimited 4, RingBufferFull 3)");

        var events = await Until.ValueAsync(() => h.Client.ListAsync<Corev1Event>(new ListOptions { Namespace = "default" }, None),
            l => l.Items.Any(e => e.Reason == "DropsSeen" && e.Message.Contains("NETFILTER_DROP")), "an event names the drop reason and the pod");
        events.Items.First(e => e.Reason == "DropsSeen" && e.Message.Contains("NETFILTER_DROP")).Message.ShouldBe("drops: 10 NETFILTER_DROP on default/web-1");

        var artifact = new CaptureArtifact { Node = "n1", Output = "hostPath", Location = "/var/log/retina/captures/traces/t-n1-20261202050000UTC.jsonl.gz", SizeBytes = 100 };
        // A node's last report is cumulative, as every report: its counts and tops, phase Completed.
        n1.Phase = n2.Phase = "Completed";
        n1.Reason = n2.Reason = "DurationElapsed";
        n1.Artifacts = [artifact];
        await ReportAsync(h.Client, "n1", n1);
        await ReportAsync(h.Client, "n2", n2);
        var done = await Until.ValueAsync(() => Get(h, "default", "t"), t => t?.Status?.Phase == CapturePhase.Completed, "the trace completes");
        done!.Status!.CompletionTime.ShouldNotBeNull();
        done.Status.Artifacts!.Single().Location.ShouldBe(artifact.Location);
        done.Status.Conditions!.Single(c => c.Type == TraceReasons.Complete).Status.ShouldBe("True");
        done.Status.TopDropReason.ShouldBe("NETFILTER_DROP");
        done.Status.EventCount.ShouldBe(22);
        await WithdrawnFrom(h, "n1", "the finished trace's assignment is withdrawn");
        await WithdrawnFrom(h, "n2", "the finished trace's assignment is withdrawn");
        var summary = await Until.ValueAsync(() => h.Client.ListAsync<Corev1Event>(new ListOptions { Namespace = "default" }, None),
            l => l.Items.Any(e => e.Reason == "Completed"), "a summary event");
        summary.Items.Single(e => e.Reason == "Completed").Message.ShouldBe("22 event(s) on 2 node(s), 7 lost; top drop reason NETFILTER_DROP (10) on default/web-1; top DNS failure nope.example. NXDOMAIN (3) from default/web-1");
    }

    [Fact]
    public async Task Deleting_a_trace_tells_the_nodes_to_stop_and_releases_it_once_they_finished()
    {
        await using var h = await StartAsync();
        await h.AddNodeAsync("n1");
        await h.AddPodAsync(Objects.Pod("default", "web-1", "n1", "10.1.0.5"));
        await h.Client.CreateAsync(PodTrace("default", "t", duration: null), None);
        var key = (await AssignmentOn(h, "n1")).Key;
        await ReportAsync(h.Client, "n1", new NodeTraceStatus { Key = key, Phase = "Running", Events = 1 });
        var running = await Until.ValueAsync(() => Get(h, "default", "t"), t => t?.Status?.Phase == CapturePhase.Running && t.Metadata.Finalizers?.Contains(TraceSessionReconciler.Finalizer) == true, "it runs, with its finalizer");
        running!.Status!.Conditions!.Single(c => c.Type == "Ready").Status.ShouldBe("True", "a flow log without duration is healthy while it runs");

        await h.Client.DeleteAsync<TraceObject>("t", "default", None);
        await AssignmentOn(h, "n1", a => a.Stop == true, "the node is told to stop");
        (await Get(h, "default", "t")).ShouldNotBeNull("it waits for the node to flush its last file");

        await ReportAsync(h.Client, "n1", new NodeTraceStatus { Key = key, Phase = "Completed", Reason = "Stopped", Events = 1 });
        await Until.TrueAsync(async () => await Get(h, "default", "t") is null, "the trace is released once the node finished");
        await WithdrawnFrom(h, "n1", "its assignment is withdrawn");
    }

    [Fact]
    public async Task When_the_duration_is_over_the_nodes_are_told_to_stop()
    {
        await using var h = await StartAsync();
        await h.AddNodeAsync("n1");
        await h.AddPodAsync(Objects.Pod("default", "web-1", "n1", "10.1.0.5"));
        await h.Client.CreateAsync(PodTrace("default", "t", duration: "1s"), None);
        var key = (await AssignmentOn(h, "n1")).Key;
        await ReportAsync(h.Client, "n1", new NodeTraceStatus { Key = key, Phase = "Running" });
        (await AssignmentOn(h, "n1", a => a.Stop == true, "the assignment is stopped once the duration is over")).Duration.ShouldBe("1s");
        await ReportAsync(h.Client, "n1", new NodeTraceStatus { Key = key, Phase = "Completed", Reason = "DurationElapsed" });
        await Until.ValueAsync(() => Get(h, "default", "t"), t => t?.Status?.Phase == CapturePhase.Completed, "the trace completes");
    }

    [Fact]
    public async Task A_node_whose_runtime_never_reports_fails_after_the_grace_period()
    {
        await using var h = await StartAsync(o => o.NodeRuntimeGrace = "1s");
        await h.AddNodeAsync("n1");
        await h.AddPodAsync(Objects.Pod("default", "web-1", "n1", "10.1.0.5"));
        await h.Client.CreateAsync(PodTrace("default", "t"), None);

        var failed = await Until.ValueAsync(() => Get(h, "default", "t"), t => t?.Status?.Phase == CapturePhase.Failed, "the silent node fails the trace");
        var node = failed!.Status!.Nodes!.Single();
        node.Reason.ShouldBe(TraceReasons.NodeRuntimeSilent);
        node.Message!.ShouldContain("has not reported since the trace was assigned");
        failed.Status.Conditions!.Single(c => c.Type == TraceReasons.Error).Reason.ShouldBe(TraceReasons.NodeRuntimeSilent);
    }

    [Fact]
    public async Task A_finished_trace_is_deleted_after_its_ttl()
    {
        await using var h = await StartAsync();
        await h.AddNodeAsync("n1");
        await h.AddPodAsync(Objects.Pod("default", "web-1", "n1", "10.1.0.5"));
        var t = PodTrace("default", "t");
        t.Spec.TtlSecondsAfterFinished = 1;
        await h.Client.CreateAsync(t, None);
        var key = (await AssignmentOn(h, "n1")).Key;
        await ReportAsync(h.Client, "n1", new NodeTraceStatus { Key = key, Phase = "Completed", Reason = "MaxEventsReached", Events = 3 });
        await Until.ValueAsync(() => Get(h, "default", "t"), x => x?.Status?.Phase == CapturePhase.Completed, "the trace completes");
        await Until.TrueAsync(async () => await Get(h, "default", "t") is null, "the trace is deleted once its TTL is over");
    }

    [Fact]
    public async Task Upload_counts_from_the_node_become_the_Uploaded_condition_naming_the_node_and_its_reason()
    {
        await using var h = await StartAsync();
        await h.AddNodeAsync("n1");
        await h.AddPodAsync(Objects.Pod("default", "web-1", "n1", "10.1.0.5"));
        await h.Client.CreateAsync(Objects.Secret("default", "sas", new() { ["blob-upload-url"] = "https://acct.blob.core.windows.net/flows?sig=S" }), None);
        var t = PodTrace("default", "t");
        t.Spec.OutputConfiguration = new OutputConfiguration { BlobUpload = "sas" };
        await h.Client.CreateAsync(t, None);
        var key = (await AssignmentOn(h, "n1")).Key;

        await ReportAsync(h.Client, "n1", new NodeTraceStatus { Key = key, Phase = "Running", Events = 9, UploadedFiles = 2, UploadFailures = 0 });
        var ok = await Until.ValueAsync(() => Get(h, "default", "t"), x => x?.Status?.Conditions?.Any(c => c.Type == TraceReasons.Uploaded && c.Message!.StartsWith("2 ", StringComparison.Ordinal)) == true, "the Uploaded condition counts the node's uploads");
        var uploaded = ok!.Status!.Conditions!.Single(c => c.Type == TraceReasons.Uploaded);
        (uploaded.Status, uploaded.Reason).ShouldBe(("True", TraceReasons.AllFilesUploaded));
        uploaded.Message!.ShouldStartWith("2 file(s) uploaded");

        await ReportAsync(h.Client, "n1", new NodeTraceStatus
        {
            Key = key, Phase = "Failed", Reason = "UploadFailed", Events = 9, UploadedFiles = 2, UploadFailures = 1,
            Message = "stopped; 1 file(s) not uploaded, kept on the node: ContainerNotFound",
        });
        var failed = await Until.ValueAsync(() => Get(h, "default", "t"),
            x => x?.Status?.Conditions?.Any(c => c.Type == TraceReasons.Uploaded && c.Status == "False") == true, "the failure shows on the trace");
        var condition = failed!.Status!.Conditions!.Single(c => c.Type == TraceReasons.Uploaded);
        condition.Reason.ShouldBe(TraceReasons.UploadFailed);
        condition.Message.ShouldBe("1 file(s) not uploaded (2 uploaded); n1: stopped; 1 file(s) not uploaded, kept on the node: ContainerNotFound");
    }

    [Theory]
    [InlineData("duplicate-kind", TraceReasons.InvalidSpec, "spec.events[1]: \"drop\" is listed twice")]
    [InlineData("bad-address", TraceReasons.InvalidSpec, "spec.filters.ips[0]: \":::\" is not an IP address or a CIDR")]
    [InlineData("bad-port", TraceReasons.InvalidSpec, "spec.filters.ports[0]: 0 is not a port (1-65535)")]
    public async Task Bad_input_fails_with_a_reason_and_a_message_and_is_never_assigned(string which, string reason, string message)
    {
        await using var h = await StartAsync();
        await h.AddNodeAsync("n1");
        await h.AddPodAsync(Objects.Pod("default", "web-1", "n1", "10.1.0.5"));
        var t = PodTrace("default", "bad");
        switch (which)
        {
            case "duplicate-kind":
                t.Spec.Events = ["drop", "drop"];
                break;
            case "bad-address":
                t.Spec.Filters = new TraceFilters { Ips = [":::"] };
                break;
            default:
                t.Spec.Filters = new TraceFilters { Ports = [0] };
                break;
        }

        await h.Client.CreateAsync(t, None);
        var failed = await Until.ValueAsync(() => Get(h, "default", "bad"), x => x?.Status?.Phase == CapturePhase.Failed, "the trace fails");
        var accepted = failed!.Status!.Conditions!.Single(c => c.Type == "Accepted");
        accepted.Status.ShouldBe("False");
        accepted.Reason.ShouldBe(reason);
        accepted.Message!.ShouldContain(message);
        (await Runtime(h, "n1"))?.Spec.Traces.ShouldBeNull();
    }
}
