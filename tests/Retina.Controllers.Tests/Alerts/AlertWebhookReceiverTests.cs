using System.Net;
using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.CapturePolicy;
using Retina.Controllers.Alerts;
using Retina.Controllers.Tests.Support;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.Waiting;
using CaptureObject = Retina.Api.Capture.Capture;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.Controllers.Tests.Alerts;

/// <summary>
/// The Alertmanager receiver end to end over the fake API and every controller: a matching firing alert creates one child
/// Capture for the alert's pod, owned by the policy and recorded in its status; retries, repeats, grouped and truncated
/// posts, bad tokens, bad bodies, limits and API failures behave as Alertmanager's retry needs.
/// </summary>
public sealed class AlertWebhookReceiverTests : IAsyncLifetime
{
    private const string Ns = "team-a";
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string tokenFile = Path.Combine(Directory.CreateTempSubdirectory("alert-token-").FullName, "token");
    private ControllerHarness harness = null!;
    private AlertReceiver receiver = null!;

    public async Task InitializeAsync()
    {
        harness = await ControllerHarness.StartAsync();
        receiver = await AlertReceiver.StartAsync(harness.Client, tokenFile);

        // The pods alerts name exist (a Capture naming only missing pods fails at once, as in Retina), so children keep running.
        await harness.AddNodeAsync("node-a", new() { ["kubernetes.io/hostname"] = "node-a" });
        for (var i = 1; i <= 3; i++)
        {
            await harness.AddPodAsync(Objects.Pod(Ns, $"web-{i}", "node-a", $"10.1.0.{i}"));
        }
    }

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        await harness.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(tokenFile)!, recursive: true);
    }

    [Fact]
    public async Task A_matching_firing_alert_creates_one_child_capture_of_the_alerts_pod_owned_by_the_policy_and_recorded_in_status()
    {
        var policy = await CreatePolicyAsync(Policy("drops"));

        var (code, body) = await receiver.PostAsync(Notifications.Of(Notifications.PodDrops(Ns, "web-1", "fp1")));

        code.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        var child = (await ChildrenAsync()).ShouldHaveSingleItem();
        child.Spec.CaptureConfiguration.CaptureTarget!.PodNames.ShouldBe(["web-1"]);
        child.Spec.CaptureConfiguration.CaptureOption!.Duration.ShouldBe("30s", "the rest is the template's");
        child.Metadata.Labels[ChildCapture.PolicyLabel].ShouldBe("drops");
        var owner = child.Metadata.OwnerReferences.ShouldHaveSingleItem();
        (owner.Kind, owner.Name, owner.Uid, owner.Controller).ShouldBe(("CapturePolicy", "drops", policy.Metadata.Uid, (bool?)true));
        child.Metadata.Annotations[ChildCapture.EpisodeAnnotation].ShouldBe("fp1@2026-12-01T10:00:00Z");

        var status = (await GetPolicyAsync("drops")).Status!;
        status.FiredCount.ShouldBe(1);
        var firing = status.Firings.ShouldHaveSingleItem();
        (firing.Outcome, firing.Capture, firing.Alert, firing.Trigger, firing.Source).ShouldBe(("Created", child.Metadata.Name, "PodDrops", "drops", "fp1"));
        firing.Labels!["pod"].ShouldBe("web-1");
        body!["firings"]![0]!["capture"]!.GetValue<string>().ShouldBe(child.Metadata.Name);
        receiver.Metrics.FiredTotal.WithLabels(Ns, "drops").Value.ShouldBe(1);
    }

    [Fact]
    public async Task A_retried_or_repeated_notification_of_the_same_episode_never_creates_a_second_child()
    {
        await CreatePolicyAsync(Policy("drops", maxConcurrent: 2));
        var post = Notifications.Of(Notifications.PodDrops(Ns, "web-1", "fp1"));

        for (var i = 0; i < 3; i++)
        {
            (await receiver.PostAsync(post)).Code.ShouldBe(HttpStatusCode.OK);
        }

        (await ChildrenAsync()).Count.ShouldBe(1);
        var status = (await GetPolicyAsync("drops")).Status!;
        status.Firings.ShouldHaveSingleItem().Outcome.ShouldBe("Created");
        status.FiredCount.ShouldBe(1);

        // The same alert firing again after it resolved is a new episode (a new startsAt): a new child, outside the cooldown here.
        var again = Notifications.Of(Notifications.PodDrops(Ns, "web-1", "fp1", Notifications.StartsAt.AddHours(1)));
        await PatchPolicyAsync("drops", p => p.Spec.Cooldown = "10s");
        await ExpireCooldownAsync("drops");
        (await receiver.PostAsync(again)).Code.ShouldBe(HttpStatusCode.OK);
        (await ChildrenAsync()).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Grouped_alerts_in_one_post_are_each_decided_and_the_cooldown_holds_back_the_second_with_the_reason()
    {
        await CreatePolicyAsync(Policy("drops", maxConcurrent: 2));

        var (code, _) = await receiver.PostAsync(Notifications.Of(2,
            Notifications.PodDrops(Ns, "web-1", "fp1"),
            Notifications.PodDrops(Ns, "web-2", "fp2"),
            Notifications.Alert(new() { ["alertname"] = "SomethingElse", ["pod"] = "web-3" }, "fp3")));

        code.ShouldBe(HttpStatusCode.OK);
        (await ChildrenAsync()).ShouldHaveSingleItem().Spec.CaptureConfiguration.CaptureTarget!.PodNames.ShouldBe(["web-1"]);
        var firings = (await GetPolicyAsync("drops")).Status!.Firings!;
        firings.Select(f => (f.Source, f.Outcome)).ShouldBe([("fp2", "Cooldown"), ("fp1", "Created")]);
        firings[0].Message!.ShouldContain("cooldown 10m");
        receiver.Metrics.Alerts.WithLabels("truncated").Value.ShouldBe(2);
        receiver.Metrics.SuppressedTotal.WithLabels(Ns, "drops", "Cooldown").Value.ShouldBe(1);
    }

    [Theory]
    [InlineData("missing", false)]
    [InlineData("wrong-token", true)]
    public async Task A_post_without_the_bearer_token_is_401_and_creates_nothing(string token, bool withToken)
    {
        await CreatePolicyAsync(Policy("drops"));

        var (code, body) = await receiver.PostAsync(Notifications.Of(Notifications.PodDrops(Ns, "web-1", "fp1")), token, withToken);

        code.ShouldBe(HttpStatusCode.Unauthorized);
        body!.ToJsonString().ShouldNotContain(receiver.Token);
        (await ChildrenAsync()).ShouldBeEmpty();
        (await GetPolicyAsync("drops")).Status?.Firings.ShouldBeNull();
    }

    [Theory]
    [InlineData("{", "not an Alertmanager webhook payload")]
    [InlineData("""{"version":"3","alerts":[]}""", "payload version \"3\" is not supported")]
    [InlineData("""{"version":"4"}""", "alerts: required")]
    [InlineData("""{"version":"4","alerts":[{"status":"firing","labels":{"alertname":"PodDrops"},"startsAt":"2026-12-01T10:00:00Z"}]}""", "alerts[0].fingerprint: required")]
    [InlineData("""{"version":"4","alerts":[{"status":"burning","fingerprint":"f","startsAt":"2026-12-01T10:00:00Z"}]}""", "alerts[0].status")]
    public async Task A_malformed_body_is_400_with_the_reason_and_creates_nothing(string body, string reason)
    {
        await CreatePolicyAsync(Policy("drops"));

        var (code, answer) = await receiver.PostAsync(body);

        code.ShouldBe(HttpStatusCode.BadRequest);
        answer!["error"]!.GetValue<string>().ShouldContain(reason);
        (await ChildrenAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_oversized_body_is_413_before_it_is_parsed()
    {
        await using var small = await AlertReceiver.StartAsync(harness.Client, tokenFile, new() { MaxBodyBytes = 4096 });
        var big = Notifications.Of([.. Enumerable.Range(0, 40).Select(i => Notifications.PodDrops(Ns, "web-" + i, "fp" + i))]);
        big.Length.ShouldBeGreaterThan(4096);

        (await small.PostAsync(big)).Code.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Label_matchers_are_anchored_regexes_and_a_non_matching_alert_fires_nothing()
    {
        await CreatePolicyAsync(Policy("drops", matchers: [new LabelMatcher { Name = "pod", Operator = "=~", Value = "web-.*" }, new LabelMatcher { Name = "reason", Operator = "!=", Value = "TCP_CLOSE" }]));

        (await receiver.PostAsync(Notifications.Of(Notifications.PodDrops(Ns, "xweb-1", "fp1")))).Code.ShouldBe(HttpStatusCode.OK);
        (await ChildrenAsync()).ShouldBeEmpty("=~ is anchored: web-.* does not match xweb-1");

        (await receiver.PostAsync(Notifications.Of(Notifications.PodDrops(Ns, "web-1", "fp2")))).Code.ShouldBe(HttpStatusCode.OK);
        (await ChildrenAsync()).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_suspended_policy_and_an_alert_without_target_labels_record_why_nothing_was_created()
    {
        await CreatePolicyAsync(Policy("drops", suspend: true));
        await CreatePolicyAsync(Policy("other"));

        (await receiver.PostAsync(Notifications.Of(Notifications.Alert(new() { ["alertname"] = "PodDrops", ["reason"] = "x" }, "fp1")))).Code.ShouldBe(HttpStatusCode.OK);

        (await ChildrenAsync()).ShouldBeEmpty();
        (await GetPolicyAsync("drops")).Status!.Firings.ShouldHaveSingleItem().Outcome.ShouldBe("Suspended");
        var noTarget = (await GetPolicyAsync("other")).Status!.Firings.ShouldHaveSingleItem();
        noTarget.Outcome.ShouldBe("NoTarget");
        noTarget.Message!.ShouldContain("none of the labels targetFromAlertLabels maps");
        (await GetPolicyAsync("other")).Status!.SuppressedCount.ShouldBe(1);
    }

    [Fact]
    public async Task MaxConcurrent_and_the_namespace_budget_hold_back_children_while_earlier_ones_run()
    {
        await CreatePolicyAsync(Policy("drops", cooldown: "10s"));
        (await receiver.PostAsync(Notifications.Of(Notifications.PodDrops(Ns, "web-1", "fp1")))).Code.ShouldBe(HttpStatusCode.OK);
        await ExpireCooldownAsync("drops");

        (await receiver.PostAsync(Notifications.Of(Notifications.PodDrops(Ns, "web-2", "fp2")))).Code.ShouldBe(HttpStatusCode.OK);

        (await ChildrenAsync()).Count.ShouldBe(1);
        (await GetPolicyAsync("drops")).Status!.Firings![0].Outcome.ShouldBe("MaxConcurrent");

        await using var budget = await AlertReceiver.StartAsync(harness.Client, tokenFile, new() { NamespaceBudget = 1 });
        await CreatePolicyAsync(Policy("second"));
        (await budget.PostAsync(Notifications.Of(Notifications.PodDrops(Ns, "web-3", "fp3")))).Code.ShouldBe(HttpStatusCode.OK);
        var held = (await GetPolicyAsync("second")).Status!.Firings.ShouldHaveSingleItem();
        held.Outcome.ShouldBe("NamespaceBudget");
        held.Message!.ShouldContain("budget is 1");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_transient_api_failure_is_503_and_the_retry_after_a_controller_restart_creates_exactly_one_child(bool answerLost)
    {
        await CreatePolicyAsync(Policy("drops"));
        harness.Api.Faults.Add(new FakeFault { Verb = "create", Plural = "captures", AfterApplying = answerLost });
        var post = Notifications.Of(Notifications.PodDrops(Ns, "web-1", "fp1"));

        (await receiver.PostAsync(post)).Code.ShouldBe(HttpStatusCode.ServiceUnavailable, "Alertmanager retries a 5xx");
        harness.Api.Faults.AllFired.ShouldBeTrue();

        // The controller restarts between the webhook and the child's creation: a new receiver gets Alertmanager's retry.
        await receiver.DisposeAsync();
        receiver = await AlertReceiver.StartAsync(harness.Client, tokenFile);
        (await receiver.PostAsync(post)).Code.ShouldBe(HttpStatusCode.OK);

        (await ChildrenAsync()).Count.ShouldBe(1);
        var status = (await GetPolicyAsync("drops")).Status!;
        status.Firings.ShouldHaveSingleItem().Outcome.ShouldBe("Created");
        status.FiredCount.ShouldBe(1);
    }

    [Fact]
    public async Task ActiveCaptures_lists_the_running_children_and_drops_those_that_are_gone()
    {
        await CreatePolicyAsync(Policy("drops"));
        (await receiver.PostAsync(Notifications.Of(Notifications.PodDrops(Ns, "web-1", "fp1")))).Code.ShouldBe(HttpStatusCode.OK);
        var child = (await ChildrenAsync()).ShouldHaveSingleItem();
        await Until.TrueAsync(async () => (await GetPolicyAsync("drops")).Status?.ActiveCaptures is [var only] && only == child.Metadata.Name, "the running child is listed");

        // Only the Capture reconciler writes a Capture's phase; deleting the child is how a test ends it without racing that writer.
        await harness.Client.DeleteAsync<CaptureObject>(child.Metadata.Name, Ns, None);

        await Until.TrueAsync(async () => (await GetPolicyAsync("drops")).Status?.ActiveCaptures is null, "a child that is gone leaves activeCaptures");
        (await GetPolicyAsync("drops")).Status!.Firings.ShouldHaveSingleItem().Outcome.ShouldBe("Created", "the controller's status writes keep the receiver's firings");
    }

    [Fact]
    public async Task A_node_label_such_as_instance_captures_that_node()
    {
        var policy = Policy("nodes");
        policy.Spec.TargetFromAlertLabels = new AlertLabelMapping { Node = "instance" };
        await CreatePolicyAsync(policy);

        (await receiver.PostAsync(Notifications.Of(Notifications.Alert(new() { ["alertname"] = "PodDrops", ["instance"] = "node-a:10093", ["reason"] = "x" }, "fp1")))).Code.ShouldBe(HttpStatusCode.OK);

        var child = (await ChildrenAsync()).ShouldHaveSingleItem();
        child.Spec.CaptureConfiguration.CaptureTarget!.NodeSelector!.MatchLabels.ShouldBe(new Dictionary<string, string> { ["kubernetes.io/hostname"] = "node-a" });
    }

    private static Policy Policy(string name, int maxConcurrent = 1, string cooldown = "10m", bool suspend = false, List<LabelMatcher>? matchers = null)
    {
        var p = new Policy();
        p.Metadata.Name = name;
        p.Metadata.NamespaceProperty = Ns;
        p.Spec.CaptureTemplate.CaptureConfiguration.CaptureOption = new CaptureOption { Duration = "30s" };
        p.Spec.CaptureTemplate.OutputConfiguration.HostPath = "alerts";
        p.Spec.Triggers = [new CaptureTrigger { Name = name, Alert = new AlertTrigger { AlertName = "PodDrops", Matchers = matchers ?? [new LabelMatcher { Name = "reason", Operator = "=~", Value = ".+" }] } }];
        p.Spec.TargetFromAlertLabels = new AlertLabelMapping { Pod = "pod" };
        p.Spec.Cooldown = cooldown;
        p.Spec.MaxConcurrent = maxConcurrent;
        p.Spec.MaxPerHour = 4;
        p.Spec.Suspend = suspend ? true : null;
        return p;
    }

    private Task<Policy> CreatePolicyAsync(Policy p) => harness.Client.CreateAsync(p, None);

    private async Task<Policy> GetPolicyAsync(string name) => (await harness.Client.GetAsync<Policy>(name, Ns, None))!;

    private async Task<List<CaptureObject>> ChildrenAsync() =>
        [.. (await harness.Client.ListAsync<CaptureObject>(new Retina.Kube.Client.ListOptions { Namespace = Ns, LabelSelector = ChildCapture.PolicyLabel }, None)).Items];

    private async Task PatchPolicyAsync(string name, Action<Policy> change)
    {
        var p = await GetPolicyAsync(name);
        change(p);
        await harness.Client.UpdateAsync(p, None);
    }

    /// <summary>Moves the recorded last firing back past the cooldown, as if the cooldown had passed (no waiting).</summary>
    private Task ExpireCooldownAsync(string name) =>
        Retina.Kube.Status.KubeClientStatusExtensions.UpdateStatusAsync<Policy>(harness.Client, new Retina.Kube.Client.ObjectKey(Ns, name), p =>
        {
            p.Status!.LastFiredTime = p.Status.LastFiredTime!.Value.AddHours(-1);
            foreach (var f in p.Status.Firings ?? [])
            {
                f.Time = f.Time.AddHours(-1);
            }

            return true;
        }, None);
}
