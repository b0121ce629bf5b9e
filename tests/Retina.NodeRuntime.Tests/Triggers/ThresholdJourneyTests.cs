using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Retina.Api.Capture;
using Retina.Api.CapturePolicy;
using Retina.Controllers.Alerts;
using Retina.Controllers.Capture;
using Retina.Controllers.Hosting;
using Retina.Controllers.Options;
using Retina.Kube.Client;
using Retina.NodeRuntime.Tests.Agent;
using Retina.NodeRuntime.Tests.Capture;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;
using CaptureObject = Retina.Api.Capture.Capture;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.NodeRuntime.Tests.Triggers;

/// <summary>
/// Node-local triggers and stopOnResolved end to end: the fake API, the real controllers, a real node runtime in a
/// namespace with the real dropreason plugin. A burst of nft drops makes the node report a breach, the controllers
/// create the child Capture on that node, and when the drops stop (or the alert is posted resolved) the child, whose
/// duration is five minutes, completes early with a pcap tshark reads.
/// </summary>
public sealed class ThresholdJourneyTests
{
    private const int Port = 7160;
    private static readonly CancellationToken None = CancellationToken.None;

    [KernelFact]
    public async Task A_burst_of_drops_fires_a_capture_on_the_node_that_stops_early_when_the_breach_ends()
    {
        await using var bed = await StartBedAsync();
        await NetnsPair.ExecAsync(bed.Pair.NamespaceA, "nft", $"add table inet rtest; add chain inet rtest input_rt {{ type filter hook input priority 0; }}; add rule inet rtest input_rt udp dport {Port} drop");
        await bed.StartRuntimeAsync(JourneyBed.NodeA);
        await bed.Client.CreateAsync(Policy(threshold: true), None);
        await Until.ValueAsync(() => bed.Client.GetAsync<NodeRuntimeObject>(JourneyBed.NodeA, null, None),
            r => r?.Spec.Triggers is { Count: 1 } && r.Status?.Plugins?.Any(p => p.Name == "dropreason" && p.State == "Running") == true,
            "node-a is given the threshold and runs dropreason", TimeSpan.FromSeconds(60));

        using var from = await NsUdp.BindAsync(bed.Pair.NamespaceB, bed.Pair.AddressB, 0);
        using var stop = new CancellationTokenSource();
        var sending = Task.Run(async () =>
        {
            // About 200 drops a second against a threshold of 50: pacing the burst, not synchronising.
            while (!stop.IsCancellationRequested)
            {
                NsUdp.Send(from, bed.Pair.AddressA, Port, 20);
                await Task.Delay(100);
            }
        });

        var child = await Until.ValueAsync(ChildAsync(bed), c => c is not null, "the breach creates the child Capture", TimeSpan.FromSeconds(60));
        child!.Spec.CaptureConfiguration.CaptureTarget!.NodeSelector!.MatchLabels!["kubernetes.io/hostname"].ShouldBe(JourneyBed.NodeA);
        var breach = (await bed.Client.GetAsync<NodeRuntimeObject>(JourneyBed.NodeA, null, None))!.Status!.Triggers!.ShouldHaveSingleItem();
        (breach.Policy, breach.Trigger).ShouldBe(("default/burst", "drops"));
        double.Parse(breach.Value!, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(50);
        var firing = (await bed.Client.GetAsync<Policy>("burst", "default", None))!.Status!.Firings!.ShouldHaveSingleItem();
        firing.Source!.ShouldContain($"node {JourneyBed.NodeA} threshold: dropRate NETFILTER_DROP");

        await Until.ValueAsync(() => bed.Client.GetAsync<CaptureObject>(child.Metadata.Name, "default", None),
            c => c?.Status?.Nodes?.Any(n => n.Node == JourneyBed.NodeA && n.Phase == CapturePhase.Running && n.Packets > 0) == true,
            "the child runs on node-a and has captured some of the burst", TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await sending;

        await Until.ValueAsync(() => bed.Client.GetAsync<NodeRuntimeObject>(JourneyBed.NodeA, null, None),
            r => r?.Status?.Triggers?.SingleOrDefault()?.State == "Ok", "the breach ends once the drops stop", TimeSpan.FromSeconds(60));
        await CompletedEarlyAsync(bed, child.Metadata.Name, $"the threshold breach on node {JourneyBed.NodeA} ended");
    }

    [KernelFact]
    public async Task A_resolved_alert_stops_its_running_child_early_and_the_pcap_is_delivered()
    {
        await using var bed = await StartBedAsync();
        await bed.StartRuntimeAsync(JourneyBed.NodeA);
        var tokenFile = Path.Combine(bed.Root, "alert-token");
        var token = AlertWebhookTokens.NewToken();
        await File.WriteAllTextAsync(tokenFile, token + "\n");
        await using var receiver = await StartReceiverAsync(bed.Client, tokenFile, bed.Logs.CreateFactory());
        await bed.Client.CreateAsync(Policy(threshold: false), None);
        await Until.TrueAsync(async () => (await bed.Client.GetAsync<Policy>("burst", "default", None))?.Status?.Armed == true, "the policy is armed", TimeSpan.FromSeconds(30));

        using var http = new HttpClient { BaseAddress = receiver.Address() };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var startsAt = DateTimeOffset.UtcNow.AddSeconds(-5);
        async Task PostAsync(string status) =>
            (await http.PostAsync("api/v1/alerts/webhook", new StringContent(Notification(status, startsAt), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        await PostAsync("firing");
        var child = await Until.ValueAsync(ChildAsync(bed), c => c is not null, "the alert creates the child", TimeSpan.FromSeconds(30));
        using var listen = await NsUdp.BindAsync(bed.Pair.NamespaceA, bed.Pair.AddressA, Port);
        using var from = await NsUdp.BindAsync(bed.Pair.NamespaceB, bed.Pair.AddressB, 0);
        await Until.ValueAsync(() => bed.Client.GetAsync<CaptureObject>(child!.Metadata.Name, "default", None),
            c => c?.Status?.Nodes?.Any(n => n.Node == JourneyBed.NodeA && n.Phase == CapturePhase.Running) == true, "the child runs on node-a", TimeSpan.FromSeconds(60));
        NsUdp.Send(from, bed.Pair.AddressA, Port, 30);
        NsUdp.Drain(listen, 30, TimeSpan.FromSeconds(10)).ShouldBe(30);

        await PostAsync("resolved");
        await CompletedEarlyAsync(bed, child!.Metadata.Name, "alert NodeDrops resolved");
    }

    /// <summary>The child completes (its five minutes are far off), says why, and its delivered pcap reads in tshark.</summary>
    private static async Task CompletedEarlyAsync(JourneyBed bed, string name, string reason)
    {
        var done = await Until.ValueAsync(() => bed.Client.GetAsync<CaptureObject>(name, "default", None),
            c => c?.Status?.Phase == CapturePhase.Completed, "the child completes long before its five-minute duration", TimeSpan.FromSeconds(60));
        done!.Metadata.Annotations![ResolvedStopper.StopRequestedAnnotation].ShouldBe(reason);
        var condition = done.Status!.Conditions!.Single(c => c.Type == CaptureReconciler.StoppedEarlyCondition);
        (condition.Status, condition.Reason, condition.Message).ShouldBe(("True", CaptureReconciler.StoppedOnResolvedReason, reason));
        (done.Status.CompletionTime!.Value - done.Status.StartTime!.Value).ShouldBeLessThan(TimeSpan.FromMinutes(5));

        var tarball = Directory.GetFiles(bed.HostPathBase(JourneyBed.NodeA), "*.tar.gz", SearchOption.AllDirectories).ShouldHaveSingleItem();
        await using var files = await CaptureBed.CreateAsync();
        var pcap = CaptureBed.CaptureFiles(await files.ExtractAsync(tarball)).Single();
        (await CaptureBed.TsharkCountAsync(pcap)).ShouldBeGreaterThan(0, "tshark reads the packets captured before the stop");
    }

    private static Func<Task<CaptureObject?>> ChildAsync(JourneyBed bed) => async () =>
        (await bed.Client.ListAsync<CaptureObject>(new ListOptions { Namespace = "default", LabelSelector = ChildCapture.PolicyLabel }, None)).Items.FirstOrDefault();

    /// <summary>A journey bed whose controllers run the dropreason plugin on the nodes, with node-a labelled by hostname.</summary>
    private static async Task<JourneyBed> StartBedAsync()
    {
        var bed = await JourneyBed.StartAsync();
        await bed.StopControllersAsync();
        bed.StartControllers(new RetinaControllerOptions { Plugins = ["dropreason"] });
        await bed.Client.PatchAsync<k8s.Models.V1Node>(JourneyBed.NodeA, null,
            KubePatch.Merge(new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["kubernetes.io/hostname"] = JourneyBed.NodeA } } }), None);
        return bed;
    }

    private static Policy Policy(bool threshold)
    {
        var p = new Policy();
        p.Metadata.Name = "burst";
        p.Metadata.NamespaceProperty = "default";
        p.Spec.CaptureTemplate.CaptureConfiguration.IncludeMetadata = false;
        p.Spec.CaptureTemplate.CaptureConfiguration.CaptureOption = new CaptureOption { Duration = "5m", PcapFilter = $"udp dst port {Port}" };
        p.Spec.CaptureTemplate.OutputConfiguration.HostPath = "thresholds";
        p.Spec.StopOnResolved = true;
        p.Spec.Triggers = threshold
            ? [new CaptureTrigger { Name = "drops", Threshold = new ThresholdTrigger { Metric = "dropRate", Reason = "NETFILTER_DROP", Above = 50, For = "5s" } }]
            : [new CaptureTrigger { Name = "node-drops", Alert = new AlertTrigger { AlertName = "NodeDrops" } }];
        p.Spec.TargetFromAlertLabels = threshold ? null : new AlertLabelMapping { Node = "node" };
        return p;
    }

    private static string Notification(string status, DateTimeOffset startsAt) => new JsonObject
    {
        ["version"] = "4", ["groupKey"] = "{}:{alertname=\"NodeDrops\"}", ["truncatedAlerts"] = 0, ["status"] = status, ["receiver"] = "retina",
        ["alerts"] = new JsonArray(new JsonObject
        {
            ["status"] = status,
            ["labels"] = new JsonObject { ["alertname"] = "NodeDrops", ["node"] = JourneyBed.NodeA },
            ["annotations"] = new JsonObject(),
            ["startsAt"] = startsAt.ToString("O"),
            ["endsAt"] = status == "resolved" ? DateTimeOffset.UtcNow.ToString("O") : "0001-01-01T00:00:00Z",
            ["fingerprint"] = "4f1e0c2a9b7d3e51",
        }),
    }.ToJsonString();

    private static async Task<WebApplication> StartReceiverAsync(IKubeClient client, string tokenFile, ILoggerFactory loggers)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        Microsoft.AspNetCore.Hosting.WebHostBuilderKestrelExtensions.ConfigureKestrel(builder.WebHost, k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        AlertWebhookServiceCollectionExtensions.Map(app, client, "retina-system", new AlertWebhookOptions { TokenFile = tokenFile }, loggers, TimeProvider.System,
            new AlertWebhookMetrics(Prometheus.Metrics.NewCustomRegistry()));
        await app.StartAsync();
        return app;
    }
}
