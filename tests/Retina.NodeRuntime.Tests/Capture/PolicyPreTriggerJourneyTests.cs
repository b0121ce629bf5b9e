using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retina.Api.Capture;
using Retina.Api.CapturePolicy;
using Retina.Controllers.Alerts;
using Retina.Controllers.Hosting;
using Retina.Controllers.Options;
using Retina.Kube.Client;
using Retina.NodeRuntime.Tests.Agent;
using Retina.Testing.Kernel;
using Retina.Testing.Prometheus;
using Retina.Testing.Waiting;
using CaptureObject = Retina.Api.Capture.Capture;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.NodeRuntime.Tests.Capture;

/// <summary>
/// Issue 12's Done-when, with every part real: a CapturePolicy asking for preTriggerSeconds arms the flight recorder of
/// the real node runtime (through NodeRuntime.spec.flightRecorder), a real Prometheus evaluates a real alerting rule, a
/// real Alertmanager posts to the real receiver, the child Capture runs on the node, and its pcap, read by tshark, holds
/// packets from before the alert's startsAt followed by the live ones, every datagram once.
/// </summary>
public sealed class PolicyPreTriggerJourneyTests
{
    private const int Port = 7621;
    private static readonly CancellationToken None = CancellationToken.None;

    [KernelFact]
    public async Task An_alert_fires_a_capture_whose_pcap_starts_with_packets_from_before_the_alert()
    {
        await using var bed = await JourneyBed.StartAsync();
        await using var sockets = await CaptureBed.CreateAsync();
        await bed.Client.PatchAsync<k8s.Models.V1Node>(JourneyBed.NodeA, null,
            KubePatch.Merge(new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["kubernetes.io/hostname"] = JourneyBed.NodeA } } }), None);
        await bed.StartRuntimeAsync(JourneyBed.NodeA);
        var tokenFile = Path.Combine(bed.Root, "alert-token");
        await File.WriteAllTextAsync(tokenFile, AlertWebhookTokens.NewToken() + "\n");
        await using var receiver = await StartReceiverAsync(bed.Client, tokenFile, bed.Logs.CreateFactory());

        await bed.Client.CreateAsync(Policy(), None);
        await Until.ValueAsync(() => bed.Client.GetAsync<NodeRuntimeObject>(JourneyBed.NodeA, null, None),
            r => r?.Status?.FlightRecorder?.State == "On", "the policy arms node-a's flight recorder", TimeSpan.FromSeconds(30));
        (await bed.Client.GetAsync<NodeRuntimeObject>(JourneyBed.NodeB, null, None))!.Spec.FlightRecorder!.Policies.ShouldBe(["default/drops"], "targetFromAlertLabels may name any node");

        // Numbered datagrams from B to A, paced, for the whole test.
        using var listen = await sockets.BindAsync(bed.Pair.NamespaceA, bed.Pair.AddressA, Port);
        using var from = await sockets.BindAsync(bed.Pair.NamespaceB, bed.Pair.AddressB, 0);
        using var stop = new CancellationTokenSource();
        var sent = 0;
        var sending = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                CaptureBed.Send(from, bed.Pair.AddressA, Port, 1, firstSequence: sent);
                Interlocked.Increment(ref sent);
                await Task.Delay(2);
            }
        });
        await Until.ValueAsync(() => bed.Client.GetAsync<NodeRuntimeObject>(JourneyBed.NodeA, null, None),
            r => r?.Status?.FlightRecorder?.SecondsCovered >= 2, "the recorder holds two seconds of traffic", TimeSpan.FromSeconds(30));

        var drops = 0;
        await using var exporter = ExpositionServer.Start(() =>
            "# TYPE networkobservability_drop_count counter\n" +
            $"networkobservability_drop_count{{node=\"{JourneyBed.NodeA}\",reason=\"IPTABLE_RULE_DROP\"}} {Volatile.Read(ref drops)}\n");
        var rules = Path.Combine(bed.Root, "rules.yml");
        await File.WriteAllTextAsync(rules, """
            groups:
              - name: retina-drops
                rules:
                  - alert: NodeDrops
                    expr: increase(networkobservability_drop_count[2s]) > 0
            """);
        await using var alertmanager = await AlertmanagerServer.StartNewAsync($$"""
            route:
              receiver: retina
              group_by: [alertname, node]
              group_wait: 100ms
              group_interval: 200ms
              repeat_interval: 1h
            receivers:
              - name: retina
                webhook_configs:
                  - url: '{{receiver.Address()}}api/v1/alerts/webhook'
                    send_resolved: false
                    http_config:
                      authorization:
                        credentials_file: '{{tokenFile}}'
            """);
        await using var prometheus = await PrometheusServer.StartNewAsync([ScrapeTarget.For(exporter.MetricsUrl)],
            new PrometheusServerOptions { RuleFiles = [rules], Alertmanager = alertmanager.Address });
        Interlocked.Add(ref drops, 50);

        var child = await Until.ValueAsync(
            async () => (await bed.Client.ListAsync<CaptureObject>(new ListOptions { Namespace = "default", LabelSelector = ChildCapture.PolicyLabel }, None)).Items.FirstOrDefault(),
            c => c is not null, $"the alert creates the child Capture (alertmanager: {alertmanager.Log}; prometheus: {prometheus.Log})", TimeSpan.FromSeconds(60));
        child!.Spec.CaptureConfiguration.CaptureOption!.PreTriggerSeconds.ShouldBe(30);
        var done = await Until.ValueAsync(() => bed.Client.GetAsync<CaptureObject>(child.Metadata.Name, "default", None),
            c => c?.Status?.Phase == CapturePhase.Completed, "the child capture completes on node-a", TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await sending;

        // startsAt as the episode records it (whole seconds, rounded down): packets before it are before the alert.
        var startsAt = DateTimeOffset.Parse(child.Metadata.Annotations[ChildCapture.EpisodeAnnotation].Split('@')[1], CultureInfo.InvariantCulture);
        var tarball = Directory.GetFiles(bed.HostPathBase(JourneyBed.NodeA), "*.tar.gz", SearchOption.AllDirectories).ShouldHaveSingleItem();
        var dir = await sockets.ExtractAsync(tarball);
        var pcap = CaptureBed.CaptureFiles(dir).Single();
        var times = (await CaptureBed.TsharkFieldAsync(pcap, "frame.time_epoch")).Select(t => decimal.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        var alertAt = (startsAt - DateTimeOffset.UnixEpoch).Ticks / 10_000_000m;
        times.Count(t => t < alertAt).ShouldBeGreaterThan(100, $"packets from before the alert's startsAt {startsAt:O}");
        times.Count(t => t > alertAt).ShouldBeGreaterThan(0, "and live ones after it");

        var sequences = await CaptureBed.SequencesAsync(pcap);
        sequences.Distinct().Count().ShouldBe(sequences.Length, "no datagram twice");
        sequences.Order().ShouldBe(Enumerable.Range(sequences.Min(), sequences.Length), "no datagram missing at the seam");
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "capture.json")));
        manifest.RootElement.GetProperty("preTrigger").GetProperty("packets").GetInt64().ShouldBeGreaterThan(100);
        done!.Status!.Nodes!.ShouldHaveSingleItem().Node.ShouldBe(JourneyBed.NodeA);
    }

    private static Policy Policy()
    {
        var p = new Policy();
        p.Metadata.Name = "drops";
        p.Metadata.NamespaceProperty = "default";
        p.Spec.CaptureTemplate.CaptureConfiguration.IncludeMetadata = false;
        p.Spec.CaptureTemplate.CaptureConfiguration.CaptureOption = new CaptureOption { Duration = "2s", PcapFilter = $"udp dst port {Port}", PreTriggerSeconds = 30 };
        p.Spec.CaptureTemplate.OutputConfiguration.HostPath = "alerts";
        p.Spec.PreTriggerBufferMB = 8;
        p.Spec.Triggers = [new CaptureTrigger { Name = "node-drops", Alert = new AlertTrigger { AlertName = "NodeDrops" } }];
        p.Spec.TargetFromAlertLabels = new AlertLabelMapping { Node = "node" };
        return p;
    }

    /// <summary>The controllers' alert receiver on a loopback port (as the controllers' web host maps it).</summary>
    private static async Task<WebApplication> StartReceiverAsync(IKubeClient client, string tokenFile, ILoggerFactory loggers)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        AlertWebhookServiceCollectionExtensions.Map(app, client, "retina-system", new AlertWebhookOptions { TokenFile = tokenFile }, loggers, TimeProvider.System,
            new AlertWebhookMetrics(Prometheus.Metrics.NewCustomRegistry()));
        await app.StartAsync();
        return app;
    }
}

internal static class ReceiverAddress
{
    public static Uri Address(this WebApplication app) => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
