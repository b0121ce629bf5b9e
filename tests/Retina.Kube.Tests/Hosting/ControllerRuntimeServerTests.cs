using System.Net;
using Prometheus;
using Retina.Kube.Controllers;
using Retina.Kube.Hosting;
using Retina.Kube.Informers;
using Retina.Kube.Tests.TestSupport;

namespace Retina.Kube.Tests.Hosting;

public sealed class ControllerRuntimeServerTests
{
    [Fact]
    public async Task Health_readiness_and_controller_metrics_are_served()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var registry = Metrics.NewCustomRegistry();
        var metrics = new ControllerMetrics(registry);
        var reconciler = new DelegateReconciler((_, _) => Task.FromResult(ReconcileResult.Done));
        var controller = new Controller<Widget>("widgets", ctx.Client, reconciler,
            new ControllerOptions { Informer = new InformerOptions { Namespace = ctx.Namespace } }, metrics: metrics);
        var manager = new ControllerManager([controller], metrics: metrics);
        await using var server = await ControllerRuntimeServer.StartAsync("http://127.0.0.1:0", manager, new ControllerRuntimeOptions { Registry = registry }, ctx.Token);
        using var http = new HttpClient { BaseAddress = server.Address };

        (await http.GetAsync("/healthz", ctx.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
        ctx.Server.WatchesDown = true;
        ctx.Server.FailNextRequests(1000);
        var run = ctx.Run(manager.RunAsync);
        await Until.TrueAsync(() => manager.IsLeader, "the manager runs its controllers");
        (await http.GetAsync("/readyz", ctx.Token)).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);

        ctx.Server.FailNextRequests(0);
        ctx.Server.WatchesDown = false;
        await Until.TrueAsync(async () => (await http.GetAsync("/readyz", ctx.Token)).StatusCode == HttpStatusCode.OK, "ready once the informer synced");
        await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w"), ctx.Token);
        await Until.TrueAsync(() => reconciler.CallsOf("w") == 1, "the widget is reconciled");

        var text = await http.GetStringAsync("/metrics", ctx.Token);
        text.ShouldContain("retina_controller_reconcile_total{controller=\"widgets\",result=\"done\"} 1");
        text.ShouldContain("retina_controller_reconcile_duration_seconds_bucket{controller=\"widgets\"");
        text.ShouldContain("retina_controller_workqueue_depth{controller=\"widgets\"}");
    }
}
