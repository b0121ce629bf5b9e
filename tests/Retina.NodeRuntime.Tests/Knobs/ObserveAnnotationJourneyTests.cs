using k8s.Models;
using Retina.Kube.Client;
using Retina.NodeRuntime.Tests.Agent;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.Testing.Kernel;
using Retina.Testing.Waiting;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.NodeRuntime.Tests.Knobs;

/// <summary>
/// Issue 17's done-when for the annotation opt-in: the real controllers (enableAnnotations) and the real node runtime
/// (packetparser in a pod network) over the fake API, with no MetricsConfiguration at all.
/// </summary>
public sealed class ObserveAnnotationJourneyTests
{
    private const string Node = OneNodeJourneyBed.Node;
    private const string Forward = "networkobservability_adv_forward_count";

    [KernelFact]
    public async Task An_annotated_namespace_gets_pod_level_series_and_a_pod_that_leaves_the_opt_in_loses_them_after_the_ttl()
    {
        await using var bed = await OneNodeJourneyBed.StartAsync("obs", [("client-0", "client"), ("web-0", "web")]);
        var (client, net) = (bed.Client, bed.Net);
        await bed.RunAsync(options =>
        {
            options.Plugins = ["packetparser"];
            options.Agent.EnableAnnotations = true;
            options.Agent.AnnotationMetricsTtl = "2s";
            options.Agent.ConntrackReportInterval = "300ms";
        });
        var metrics = bed.Host.Metrics;

        // Nothing is annotated: no metrics section, no packetparser.
        await Until.TrueAsync(async () => (await client.GetAsync<NodeRuntimeObject>(Node, null, CancellationToken.None)) is not null, "the NodeRuntime exists");
        (await client.GetAsync<NodeRuntimeObject>(Node, null, CancellationToken.None))!.Spec.Metrics.ShouldBeNull();

        await client.PatchAsync<V1Namespace>("shop", null, KubePatch.Merge("""{"metadata":{"annotations":{"retina.sh":"observe"}}}"""), CancellationToken.None);
        await Until.TrueAsync(async () =>
            (await client.GetAsync<NodeRuntimeObject>(Node, null, CancellationToken.None))?.Status?.AppliedMetrics?.Any(s => s.Name == "retina.sh/observe") == true,
            "status.appliedMetrics names the annotation's metric set", TimeSpan.FromSeconds(60));

        var (a, b) = (net.Pods[0], net.Pods[1]);
        using var sa = await NsUdp.BindAsync(a.Namespace, a.Address, 7031);
        using var sb = await NsUdp.BindAsync(b.Namespace, b.Address, 7031);
        async Task<double> Sum(string pod) => AdvancedMetrics.SeriesLines.Sum(await metrics.ScrapeAsync(), Forward, ("podname", pod));
        await Until.TrueAsync(async () =>
        {
            NsUdp.Send(sa, b.Address, 7031, 1);
            NsUdp.Send(sb, a.Address, 7031, 1);
            return await Sum("client-0") > 0 && await Sum("web-0") > 0;
        }, "both pods of the annotated namespace get Retina's local-context series", TimeSpan.FromSeconds(60));
        var labels = AdvancedMetrics.SeriesLines.Of(await metrics.ScrapeAsync(), Forward).First(s => s.Labels["podname"] == "web-0").Labels;
        labels.Keys.ShouldBe(["ip", "namespace", "podname", "workload_kind", "workload_name"], ignoreOrder: true);
        labels["workload_name"].ShouldBe("web");

        // The namespace leaves the opt-in, one pod joins it: the other pod's series stop and expire after the ttl.
        await client.PatchAsync<V1Pod>("client-0", "shop", KubePatch.Merge("""{"metadata":{"annotations":{"retina.sh":"observe"}}}"""), CancellationToken.None);
        await client.PatchAsync<V1Namespace>("shop", null, KubePatch.Merge("""{"metadata":{"annotations":{"retina.sh":null}}}"""), CancellationToken.None);
        await Until.TrueAsync(async () =>
            (await client.GetAsync<NodeRuntimeObject>(Node, null, CancellationToken.None))?.Spec.Metrics?.Observed is { Namespaces: null, Pods: ["shop/client-0"] },
            "spec.metrics.observed lists the annotated pod only", TimeSpan.FromSeconds(30));
        await Until.TrueAsync(async () =>
        {
            NsUdp.Send(sa, b.Address, 7031, 1);
            NsUdp.Send(sb, a.Address, 7031, 1);
            return await Sum("web-0") == 0 && await Sum("client-0") > 0;
        }, "web-0's series are gone after the ttl while client-0's stay", TimeSpan.FromSeconds(60));
    }
}
