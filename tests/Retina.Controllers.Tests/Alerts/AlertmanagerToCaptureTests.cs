using Retina.Controllers.Alerts;
using Retina.Controllers.Tests.Support;
using Retina.Testing.Prometheus;
using Retina.Testing.Waiting;
using CaptureObject = Retina.Api.Capture.Capture;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.Controllers.Tests.Alerts;

/// <summary>
/// The whole alert path with the real parts: a real Prometheus scrapes a drop counter labelled like our pod-level
/// series and evaluates a real alerting rule, a real Alertmanager routes the alert to our receiver with the bearer token
/// from a file (<c>credentials_file</c>), and a child Capture appears for the alert's pod.
/// </summary>
public sealed class AlertmanagerToCaptureTests
{
    [Fact]
    public async Task A_prometheus_alert_on_pod_drops_routed_by_alertmanager_creates_a_capture_of_that_pod()
    {
        var dir = Directory.CreateTempSubdirectory("alert-path-").FullName;
        try
        {
            await using var harness = await ControllerHarness.StartAsync();
            var tokenFile = Path.Combine(dir, "token");
            await using var receiver = await AlertReceiver.StartAsync(harness.Client, tokenFile);
            await harness.Client.CreateAsync(Policy(), CancellationToken.None);

            var drops = 0;
            await using var exporter = ExpositionServer.Start(() =>
                "# TYPE networkobservability_adv_drop_count counter\n" +
                $"networkobservability_adv_drop_count{{direction=\"egress\",namespace=\"team-a\",podname=\"web-1\",reason=\"IPTABLE_RULE_DROP\"}} {Volatile.Read(ref drops)}\n");
            var rules = Path.Combine(dir, "rules.yml");
            await File.WriteAllTextAsync(rules, """
                groups:
                  - name: retina-drops
                    rules:
                      - alert: PodDrops
                        expr: increase(networkobservability_adv_drop_count[2s]) > 0
                        labels:
                          severity: warning
                """);
            await using var alertmanager = await AlertmanagerServer.StartNewAsync($$"""
                route:
                  receiver: retina
                  group_by: [alertname, namespace, podname]
                  group_wait: 100ms
                  group_interval: 200ms
                  repeat_interval: 1h
                receivers:
                  - name: retina
                    webhook_configs:
                      - url: '{{receiver.Address}}api/v1/alerts/webhook'
                        send_resolved: false
                        http_config:
                          authorization:
                            credentials_file: '{{tokenFile}}'
                """);
            await using var prometheus = await PrometheusServer.StartNewAsync([ScrapeTarget.For(exporter.MetricsUrl)],
                new PrometheusServerOptions { RuleFiles = [rules], Alertmanager = alertmanager.Address });

            Interlocked.Add(ref drops, 50);

            var children = new List<CaptureObject>();
            await Until.TrueAsync(async () =>
            {
                children = [.. (await harness.Client.ListAsync<CaptureObject>(new Retina.Kube.Client.ListOptions { Namespace = "team-a", LabelSelector = ChildCapture.PolicyLabel }, CancellationToken.None)).Items];
                return children.Count > 0;
            }, $"Alertmanager's notification creates the child Capture (alertmanager log: {alertmanager.Log}; prometheus log: {prometheus.Log})", TimeSpan.FromSeconds(60));

            var child = children.ShouldHaveSingleItem();
            child.Spec.CaptureConfiguration.CaptureTarget!.PodNames.ShouldBe(["web-1"]);
            child.Metadata.Annotations[ChildCapture.AlertAnnotation].ShouldBe("PodDrops");
            var firing = (await harness.Client.GetAsync<Policy>("drops", "team-a", CancellationToken.None))!.Status!.Firings!.ShouldHaveSingleItem();
            firing.Outcome.ShouldBe("Created");
            firing.Labels!["podname"].ShouldBe("web-1");
            receiver.Metrics.Posts.WithLabels("unauthorized").Value.ShouldBe(0);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Policy Policy()
    {
        var p = new Policy();
        p.Metadata.Name = "drops";
        p.Metadata.NamespaceProperty = "team-a";
        p.Spec.CaptureTemplate.CaptureConfiguration.CaptureOption = new Api.Capture.CaptureOption { Duration = "30s" };
        p.Spec.CaptureTemplate.OutputConfiguration.HostPath = "alerts";
        p.Spec.Triggers =
        [
            new Api.CapturePolicy.CaptureTrigger
            {
                Name = "pod-drops",
                Alert = new Api.CapturePolicy.AlertTrigger { AlertName = "PodDrops", Matchers = [new Api.CapturePolicy.LabelMatcher { Name = "severity", Value = "warning" }] },
            },
        ];
        p.Spec.TargetFromAlertLabels = new Api.CapturePolicy.AlertLabelMapping { Namespace = "namespace", Pod = "podname" };
        return p;
    }
}
