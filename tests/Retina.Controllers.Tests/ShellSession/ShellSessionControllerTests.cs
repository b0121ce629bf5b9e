using System.Text.Json.Nodes;
using k8s.Models;
using Retina.Api.ShellSession;
using Retina.Controllers.ShellSession;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Client;
using Retina.Testing.Waiting;
using Session = Retina.Api.ShellSession.ShellSession;

namespace Retina.Controllers.Tests.ShellSession;

/// <summary>The ShellSession controller against the fake API: pods created, phases, expiry, deletion, policy.</summary>
public sealed class ShellSessionControllerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static Session NodeShell(string name, string ttl = "30m", string? profile = "netadmin")
    {
        var s = new Session { ApiVersion = "retina.sh/v1alpha1", Kind = "ShellSession" };
        s.Metadata.Name = name;
        s.Metadata.NamespaceProperty = "team-a";
        s.Metadata.Annotations = new Dictionary<string, string> { [ShellRequester.Annotation] = "alice@example.com" };
        s.Spec.Target.NodeName = "node-1";
        s.Spec.Profile = profile;
        s.Spec.HostFilesystem = "ReadOnly";
        s.Spec.Ttl = ttl;
        return s;
    }

    private static Task<Session> StatusAsync(ControllerHarness h, string name, Func<Session, bool> accept, string because) =>
        Until.ValueAsync(async () => (await h.Client.GetAsync<Session>(name, "team-a", None))!, accept, because)!;

    private static Task<V1Pod?> ShellPod(ControllerHarness h, string name) => h.Client.GetAsync<V1Pod>(ShellNames.PodName("team-a", name), "retina-system", None);

    /// <summary>What the kubelet would report for the shell container.</summary>
    private static Task ReportAsync(ControllerHarness h, string name, V1PodStatus status) =>
        h.Client.PatchStatusAsync<V1Pod>(ShellNames.PodName("team-a", name), "retina-system",
            KubePatch.Merge(new JsonObject { ["status"] = JsonNode.Parse(k8s.KubernetesJson.Serialize(status)) }), None);

    private static V1PodStatus Running() => new()
    {
        Phase = "Running",
        ContainerStatuses = [new V1ContainerStatus { Name = "shell", Image = "x", ImageID = "x", Ready = true, RestartCount = 0, State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = DateTime.UtcNow } } }],
    };

    [Fact]
    public async Task A_node_session_runs_a_pod_in_the_retina_namespace_reports_running_and_says_how_to_attach()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.Client.CreateAsync(NodeShell("debug"), None);

        var pod = await Until.ValueAsync(() => ShellPod(h, "debug"), p => p is not null, "the shell pod is created");
        pod!.Metadata.Labels[ShellNames.SessionNamespaceLabel].ShouldBe("team-a");
        pod.Spec.Containers.Single().SecurityContext.Capabilities.Add.ShouldBe(["NET_ADMIN", "NET_RAW"]);
        pod.Spec.Containers.Single().VolumeMounts.Single().ReadOnlyProperty.ShouldBe(true);
        (await h.Client.ListAsync<V1Pod>(new ListOptions { Namespace = "team-a" }, None)).Items.ShouldBeEmpty("never in the user's namespace");
        var pending = await StatusAsync(h, "debug", s => s.Status?.Phase == ShellPhase.Pending, "Pending until the container runs");
        pending.Status!.Profile.ShouldBe("netadmin");
        pending.Status.Capabilities.ShouldBe(["NET_ADMIN", "NET_RAW"]);
        pending.Status.CreatedBy.ShouldBe("alice@example.com");
        pending.HasFinalizer(ShellSessionReconciler.Finalizer).ShouldBeTrue();

        await ReportAsync(h, "debug", Running());
        var running = await StatusAsync(h, "debug", s => s.Status?.Phase == ShellPhase.Running, "Running once the container runs");
        running.Status!.AttachCommand.ShouldBe($"kubectl attach -it -n retina-system {pod.Metadata.Name} -c shell");
        running.Status.ExecCommand.ShouldBe($"kubectl exec -it -n retina-system {pod.Metadata.Name} -c shell -- sh");
        running.Status.ExpiresAt.ShouldBe(running.Metadata.CreationTimestamp!.Value.AddMinutes(30));
        Conditions(running, "Ready").ShouldBe("True");

        var events = await Until.ValueAsync(() => h.Client.ListAsync<Corev1Event>(new ListOptions { Namespace = "team-a" }, None),
            l => l.Items.Any(e => e.Reason == "Created"), "an event names who asked");
        events.Items.First(e => e.Reason == "Created").Message.ShouldContain("alice@example.com");
    }

    [Fact]
    public async Task Deleting_the_session_deletes_its_pod_and_then_the_session()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.Client.CreateAsync(NodeShell("gone"), None);
        await Until.ValueAsync(() => ShellPod(h, "gone"), p => p is not null, "the shell pod is created");
        await StatusAsync(h, "gone", s => s.HasFinalizer(ShellSessionReconciler.Finalizer), "the finalizer is on");

        await h.Client.DeleteAsync<Session>("gone", "team-a", None);
        await Until.TrueAsync(async () => await ShellPod(h, "gone") is null, "the pod is deleted");
        await Until.TrueAsync(async () => await h.Client.GetAsync<Session>("gone", "team-a", None) is null, "the session goes once its pod is gone");
    }

    [Fact]
    public async Task At_its_ttl_a_session_expires_and_its_pod_is_deleted()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.Client.CreateAsync(NodeShell("short", ttl: "2s"), None);
        var expired = await StatusAsync(h, "short", s => s.Status?.Phase == ShellPhase.Expired, "Expired at its TTL");
        (await ShellPod(h, "short")).ShouldBeNull();
        expired.Status!.CompletionTime.ShouldNotBeNull();
        expired.Status.Cleanup.ShouldNotBeNull();
        await StatusAsync(h, "short", s => !s.HasFinalizer(ShellSessionReconciler.Finalizer), "the finalizer goes: nothing is left to clean up");
        Conditions(expired, "Ready").ShouldBe("True");
    }

    [Fact]
    public async Task A_pod_that_the_kubelet_ends_at_its_deadline_makes_the_session_expired()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.Client.CreateAsync(NodeShell("deadline"), None);
        await Until.ValueAsync(() => ShellPod(h, "deadline"), p => p is not null, "the shell pod is created");
        await ReportAsync(h, "deadline", new V1PodStatus { Phase = "Failed", Reason = "DeadlineExceeded" });
        await StatusAsync(h, "deadline", s => s.Status?.Phase == ShellPhase.Expired, "Expired");
        await Until.TrueAsync(async () => await ShellPod(h, "deadline") is null, "the pod is deleted");
    }

    [Fact]
    public async Task A_restarted_controller_finds_its_pod_and_does_not_create_another()
    {
        await using var api = await Retina.Testing.FakeKubeApi.FakeKubeApiServer.StartAsync();
        var first = await ControllerHarness.StartOnAsync(api);
        await first.Client.CreateAsync(NodeShell("survivor"), None);
        var pod = await Until.ValueAsync(() => ShellPod(first, "survivor"), p => p is not null, "the shell pod is created");
        await first.StopAsync();

        var second = await ControllerHarness.StartOnAsync(api);
        await ReportAsync(second, "survivor", Running());
        await StatusAsync(second, "survivor", s => s.Status?.Phase == ShellPhase.Running, "the new controller reads the same pod");
        (await ShellPod(second, "survivor"))!.Metadata.Uid.ShouldBe(pod!.Metadata.Uid);
        api.RequestCount("create", "pods", "").ShouldBe(1);
        await second.StopAsync();
    }

    [Fact]
    public async Task A_session_over_the_admins_limits_fails_naming_each_field()
    {
        await using var h = await ControllerHarness.StartAsync(o =>
        {
            o.ShellAllowedProfiles = ["restricted", "netadmin"];
            o.ShellAllowedCapabilities = ["NET_RAW"];
            o.ShellMaxTtl = "1h";
        });
        var s = NodeShell("greedy", ttl: "2h", profile: "bpf");
        s.Spec.Capabilities = ["SYS_PTRACE"];
        await h.Client.CreateAsync(s, None);
        var failed = await StatusAsync(h, "greedy", x => x.Status?.Phase == ShellPhase.Failed, "refused");
        var message = failed.Status!.Conditions!.Single(c => c.Type == "Accepted").Message!;
        message.ShouldContain("spec.ttl");
        message.ShouldContain("spec.profile");
        message.ShouldContain("spec.capabilities: SYS_PTRACE");
        Conditions(failed, "Stalled").ShouldBe("True");
        (await ShellPod(h, "greedy")).ShouldBeNull();
    }

    [Fact]
    public async Task A_pod_session_adds_an_ephemeral_container_and_says_it_cannot_be_removed_when_it_expires()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddPodAsync(new V1Pod
        {
            ApiVersion = "v1", Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = "web-0", NamespaceProperty = "team-a" },
            Spec = new V1PodSpec { NodeName = "node-1", Containers = [new V1Container { Name = "web", Image = "nginx" }] },
            Status = new V1PodStatus { Phase = "Running" },
        });
        var s = NodeShell("in-pod", ttl: "3s", profile: "general");
        s.Spec.Target = new ShellTarget { Pod = new ShellPodTarget { Name = "web-0", Container = "web" } };
        s.Spec.HostFilesystem = null;
        await h.Client.CreateAsync(s, None);

        var target = await Until.ValueAsync(() => h.Client.GetAsync<V1Pod>("web-0", "team-a", None), p => p?.Spec.EphemeralContainers?.Count == 1, "the ephemeral container is added");
        var container = target!.Spec.EphemeralContainers.Single();
        container.Name.ShouldBe("retina-shell-in-pod");
        container.TargetContainerName.ShouldBe("web");
        container.SecurityContext.Capabilities.Add.ShouldBe(["SYS_PTRACE"]);
        var pending = await StatusAsync(h, "in-pod", x => x.Status?.ContainerName is not null, "status names the container");
        pending.Status!.AttachCommand.ShouldBe("kubectl attach -it -n team-a web-0 -c retina-shell-in-pod");

        var expired = await StatusAsync(h, "in-pod", x => x.Status?.Phase == ShellPhase.Expired, "Expired at its TTL");
        expired.Status!.Cleanup!.ShouldContain("cannot remove an ephemeral container");
        (await h.Client.GetAsync<V1Pod>("web-0", "team-a", None))!.Spec.EphemeralContainers.Count.ShouldBe(1, "added once, never again");
    }

    private static string? Conditions(Session s, string type) => s.Status?.Conditions?.SingleOrDefault(c => c.Type == type)?.Status;
}
