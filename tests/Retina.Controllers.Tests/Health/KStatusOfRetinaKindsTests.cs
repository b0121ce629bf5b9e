using System.Text.Json.Nodes;
using Retina.Api.Capture;
using Retina.Api.CapturePolicy;
using Retina.Api.MetricsConfiguration;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Json;
using Retina.Testing.Waiting;
using CaptureObject = Retina.Api.Capture.Capture;
using MetricsConfig = Retina.Api.MetricsConfiguration.MetricsConfiguration;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;
using PolicyObject = Retina.Api.CapturePolicy.CapturePolicy;
using static Retina.Controllers.Tests.Health.KStatus;

namespace Retina.Controllers.Tests.Health;

/// <summary>Objects written by the real controllers over the fake API, judged by the kstatus rules in each phase.</summary>
public sealed class KStatusOfRetinaKindsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<JsonObject> WaitForAsync<T>(ControllerHarness h, string name, string? ns, Func<T, bool> phase, string what)
        where T : class, k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>
    {
        var obj = await Until.ValueAsync(() => h.Client.GetAsync<T>(name, ns, None), o => o is not null && phase(o), what);
        return KubeJson.ToNode(obj!);
    }

    private static void ShouldBe(JsonObject obj, Result expected, bool ready)
    {
        var verdict = Compute(obj);
        verdict.Status.ShouldBe(expected, $"kstatus said {verdict.Status}: {verdict.Message}\n{obj.ToJsonString()}");
        IsReady(obj).ShouldBe(ready, obj.ToJsonString());
    }

    private static string? Reason(JsonObject obj, string type) =>
        (obj["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type)?["reason"]?.GetValue<string>();

    [Fact]
    public async Task A_capture_is_in_progress_while_pending_and_running_current_once_completed()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        var created = await h.Client.CreateAsync(Objects.NodeCapture("default", "cap"), None);
        var key = $"default/cap/{created.Metadata.Uid}";

        var pending = await WaitForAsync<CaptureObject>(h, "cap", "default", c => c.Status?.Nodes?.Count == 1 && c.Status.Phase == CapturePhase.Pending, "the capture is pending on n1");
        ShouldBe(pending, Result.InProgress, ready: false);
        Reason(pending, "Reconciling").ShouldBe(CapturePhase.Pending);

        await NodeReports.ReportAsync(h.Client, "n1", new NodeWorkStatus { Key = key, Phase = "Running", Packets = 1 });
        var running = await WaitForAsync<CaptureObject>(h, "cap", "default", c => c.Status?.Phase == CapturePhase.Running, "the capture runs");
        ShouldBe(running, Result.InProgress, ready: false);
        Reason(running, "Reconciling").ShouldBe(CapturePhase.Running);

        await NodeReports.ReportAsync(h.Client, "n1", new NodeWorkStatus { Key = key, Phase = "Completed", Packets = 3 });
        var done = await WaitForAsync<CaptureObject>(h, "cap", "default", c => c.Status?.Phase == CapturePhase.Completed, "the capture completes");
        ShouldBe(done, Result.Current, ready: true);
        Reason(done, "complete").ShouldBe(CaptureReasons.AllNodesCompleted);
        Reason(done, "Reconciling").ShouldBeNull();
    }

    [Fact]
    public async Task A_failed_capture_is_stalled_with_retinas_error_reason()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("n1");
        var created = await h.Client.CreateAsync(Objects.NodeCapture("default", "cap"), None);
        await WaitForAsync<CaptureObject>(h, "cap", "default", c => c.Status?.Nodes?.Count == 1, "the capture is assigned");

        await NodeReports.ReportAsync(h.Client, "n1", new NodeWorkStatus { Key = $"default/cap/{created.Metadata.Uid}", Phase = "Failed", Message = "tcpdump exited 1" });
        var failed = await WaitForAsync<CaptureObject>(h, "cap", "default", c => c.Status?.Phase == CapturePhase.Failed, "the capture fails");
        ShouldBe(failed, Result.Failed, ready: false);
        Reason(failed, "Stalled").ShouldBe(CaptureReasons.NodesFailed);
        Reason(failed, "Ready").ShouldBe(CaptureReasons.NodesFailed);
    }

    [Fact]
    public async Task An_invalid_capture_is_stalled_naming_the_field()
    {
        await using var h = await ControllerHarness.StartAsync();
        var bad = Objects.NodeCapture("default", "bad");
        bad.Spec.CaptureConfiguration.TcpdumpFilter = "port 80";
        await h.Client.CreateAsync(bad, None);

        var invalid = await WaitForAsync<CaptureObject>(h, "bad", "default", c => c.Status?.Phase == CapturePhase.Failed, "the invalid capture is rejected");
        ShouldBe(invalid, Result.Failed, ready: false);
        Compute(invalid).Message.ShouldContain("tcpdumpFilter");
    }

    [Fact]
    public async Task A_metrics_configuration_is_in_progress_until_every_node_applies_it_and_stalled_when_invalid()
    {
        await using var h = await ControllerHarness.StartAsync();
        await h.AddNodeAsync("node-a");
        var config = new MetricsConfig();
        config.Metadata.Name = "web";
        config.Spec.ContextOptions = [new MetricsContextOptions { MetricName = "forward_count", SourceLabels = ["ip"] }];
        config.Spec.Namespaces = new MetricsNamespaces { Include = ["default"] };
        await h.Client.CreateAsync(config, None);

        var pending = await WaitForAsync<MetricsConfig>(h, "web", null, c => c.Status?.NodesReady == "0/1", "the configuration waits for node-a");
        ShouldBe(pending, Result.InProgress, ready: false);

        // Play node-a's runtime: it reports the generation it applied.
        var stored = await h.Client.GetAsync<MetricsConfig>("web", null, None);
        await h.Client.PatchStatusAsync<NodeRuntimeObject>("node-a", null, Retina.Kube.Client.KubePatch.Merge(new JsonObject
        {
            ["status"] = new JsonObject { ["appliedMetrics"] = new JsonArray(new JsonObject { ["name"] = "web", ["generation"] = stored!.Metadata.Generation }) },
        }), None);
        var applied = await WaitForAsync<MetricsConfig>(h, "web", null, c => c.Status?.NodesReady == "1/1", "node-a applied the configuration");
        ShouldBe(applied, Result.Current, ready: true);

        var bad = new MetricsConfig();
        bad.Metadata.Name = "bad";
        bad.Spec.ContextOptions = [new MetricsContextOptions { MetricName = "forward_count", SourceLabels = ["ip"] }, new MetricsContextOptions { MetricName = "forward_count", SourceLabels = ["podname"] }];
        bad.Spec.Namespaces = new MetricsNamespaces { Include = ["default"] };
        await h.Client.CreateAsync(bad, None);
        var invalid = await WaitForAsync<MetricsConfig>(h, "bad", null, c => c.Status?.State == MetricsState.Errored, "the configuration is Errored");
        ShouldBe(invalid, Result.Failed, ready: false);
        Compute(invalid).Message.ShouldContain("spec.contextOptions[1].metricName");
    }

    [Fact]
    public async Task A_capture_policy_is_current_once_accepted_and_stalled_when_invalid()
    {
        await using var h = await ControllerHarness.StartAsync();
        PolicyObject Policy(string name, string? cooldown = null)
        {
            var p = new PolicyObject();
            p.Metadata.Name = name;
            p.Metadata.NamespaceProperty = "default";
            p.Spec.CaptureTemplate.OutputConfiguration.HostPath = "alerts";
            p.Spec.Triggers = [new CaptureTrigger { Name = "drops", Alert = new AlertTrigger { AlertName = "HighDropRate" } }];
            p.Spec.TargetFromAlertLabels = new AlertLabelMapping { Namespace = "namespace", Pod = "pod" };
            p.Spec.Cooldown = cooldown;
            return p;
        }

        await h.Client.CreateAsync(Policy("good"), None);
        await h.Client.CreateAsync(Policy("bad", cooldown: "1s"), None);

        var good = await WaitForAsync<PolicyObject>(h, "good", "default", p => p.Status?.Conditions?.Any(c => c.Type == "Ready") == true, "the policy is judged");
        ShouldBe(good, Result.Current, ready: true);
        var bad = await WaitForAsync<PolicyObject>(h, "bad", "default", p => p.Status?.Conditions?.Any(c => c.Type == "Ready") == true, "the invalid policy is judged");
        ShouldBe(bad, Result.Failed, ready: false);
        Compute(bad).Message.ShouldContain("spec.cooldown");
    }

    [Fact]
    public void The_rules_see_an_unobserved_generation_as_in_progress_even_when_ready()
    {
        var obj = JsonNode.Parse("""
            {"kind":"Capture","metadata":{"generation":3},"status":{"observedGeneration":2,
             "conditions":[{"type":"Ready","status":"True","observedGeneration":2}]}}
            """)!.AsObject();
        Compute(obj).Status.ShouldBe(Result.InProgress);
        IsReady(obj).ShouldBeFalse();
    }
}
