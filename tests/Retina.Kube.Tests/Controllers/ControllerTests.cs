using System.Collections.Concurrent;
using k8s.Models;
using Prometheus;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Informers;
using Retina.Kube.Queue;
using Retina.Kube.Status;
using Retina.Kube.Tests.TestSupport;

namespace Retina.Kube.Tests.Controllers;

public sealed class ControllerTests
{
    [Fact]
    public async Task An_object_changed_while_its_watch_is_down_is_still_reconciled()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var reconciler = new DelegateReconciler(async (key, ct) =>
        {
            await ctx.Client.UpdateStatusAsync<Widget>(key, w => SetSeen(w, w.Spec.Size), ct);
            return ReconcileResult.Done;
        });
        var controller = NewController(ctx, reconciler);
        var run = ctx.Run(controller.RunAsync);
        await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w", size: 1), ctx.Token);
        await WaitSeenAsync(ctx, "w", 1);

        ctx.Server.WatchesDown = true;
        await ctx.Client.PatchAsync<Widget>("w", ctx.Namespace, KubePatch.Merge("""{"spec":{"size":7}}"""), ctx.Token);
        ctx.Server.WatchesDown = false;

        await WaitSeenAsync(ctx, "w", 7);
        (await ctx.Client.GetAsync<Widget>("w", ctx.Namespace, ctx.Token))!.Status!.ObservedGeneration.ShouldBe(2);
    }

    [Fact]
    public async Task A_410_relist_loses_no_reconcile_and_duplicates_none()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var trail = new ConcurrentQueue<string>();
        var seen = new ConcurrentDictionary<string, int>();
        var reconciler = new DelegateReconciler(async (key, ct) =>
        {
            var w = await ctx.Client.GetAsync<Widget>(key.Name, key.Namespace, ct);
            seen.AddOrUpdate(key.Name + "@" + (w?.Metadata.Generation.ToString() ?? "gone"), 1, (_, n) => n + 1);
            trail.Enqueue($"reconcile:{key.Name}@{w?.Metadata.ResourceVersion ?? "gone"}");
            return ReconcileResult.Done;
        });
        var controller = NewController(ctx, reconciler);
        controller.Informer.AddHandler(new TrailHandler(trail, () => controller.Informer.ListCount));
        var run = ctx.Run(controller.RunAsync);
        for (var i = 0; i < 5; i++)
        {
            await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w" + i), ctx.Token);
        }

        await Until.TrueAsync(() => seen.Count == 5, "every widget is reconciled");

        ctx.Server.WatchesDown = true;
        await ctx.Client.PatchAsync<Widget>("w1", ctx.Namespace, KubePatch.Merge("""{"spec":{"size":2}}"""), ctx.Token);
        await ctx.Client.DeleteAsync<Widget>("w2", ctx.Namespace, ctx.Token);
        await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w5"), ctx.Token);
        ctx.Server.Store.CompactHistory();
        ctx.Server.WatchesDown = false;

        await Until.TrueAsync(() => controller.Informer.ListCount == 2, "the informer relisted after 410");
        await ctx.Client.PatchAsync<Widget>("w3", ctx.Namespace, KubePatch.Merge("""{"spec":{"size":3}}"""), ctx.Token);
        await Until.TrueAsync(() => seen.ContainsKey("w3@2") && seen.ContainsKey("w1@2") && seen.ContainsKey("w2@gone") && seen.ContainsKey("w5@1"), "the changes made while the watch was down are reconciled");

        seen.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}x{p.Value}").ShouldBe(
            ["w0@1x1", "w1@1x1", "w1@2x1", "w2@1x1", "w2@gonex1", "w3@1x1", "w3@2x1", "w4@1x1", "w5@1x1"],
            "informer events: " + string.Join(" ", trail));
    }

    /// <summary>Records what the informer told handlers, so a failure shows the sequence behind it.</summary>
    private sealed class TrailHandler(ConcurrentQueue<string> trail, Func<int> lists) : IInformerHandler<Widget>
    {
        public void OnAdd(Widget obj) => trail.Enqueue($"add:{obj.Metadata.Name}@{obj.Metadata.ResourceVersion}/list{lists()}");

        public void OnUpdate(Widget previous, Widget current) =>
            trail.Enqueue($"update:{current.Metadata.Name}@{previous.Metadata.ResourceVersion}->{current.Metadata.ResourceVersion}/list{lists()}");

        public void OnDelete(Widget obj) => trail.Enqueue($"delete:{obj.Metadata.Name}/list{lists()}");
    }

    [Fact]
    public async Task A_failing_key_backs_off_without_starving_the_others()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var done = new ConcurrentDictionary<string, bool>();
        var reconciler = new DelegateReconciler((key, ct) =>
        {
            if (key.Name == "bad")
            {
                return Task.FromResult(ReconcileResult.Failed("always broken"));
            }

            done[key.Name] = true;
            return Task.FromResult(ReconcileResult.Done);
        });
        var registry = Metrics.NewCustomRegistry();
        var controller = NewController(ctx, reconciler, workers: 1, metrics: new ControllerMetrics(registry));
        var run = ctx.Run(controller.RunAsync);
        await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "bad"), ctx.Token);
        for (var i = 0; i < 10; i++)
        {
            await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "good" + i), ctx.Token);
        }

        await Until.TrueAsync(() => done.Count == 10 && reconciler.CallsOf("bad") >= 4, "the good keys are reconciled while the bad one retries");
        var badKey = new ObjectKey(ctx.Namespace, "bad");
        controller.Queue.Failures(badKey).ShouldBeGreaterThanOrEqualTo(4);

        // Delays double from 20 ms: within the first second at most ~6 attempts fit; a hot loop would make hundreds.
        var attemptsSoFar = reconciler.CallsOf("bad");
        attemptsSoFar.ShouldBeLessThan(12);
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream, ctx.Token);
        System.Text.Encoding.UTF8.GetString(stream.ToArray()).ShouldContain("retina_controller_reconcile_errors_total{controller=\"widgets\"}");
    }

    [Fact]
    public async Task Delete_with_a_finalizer_runs_cleanup_once_and_then_the_object_is_gone()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        const string finalizer = "test.retina.sh/cleanup";
        var cleanups = new ConcurrentDictionary<string, int>();
        var reconciler = new DelegateReconciler(async (key, ct) =>
        {
            var w = await ctx.Client.GetAsync<Widget>(key.Name, key.Namespace, ct);
            if (w is null)
            {
                return ReconcileResult.Done;
            }

            if (w.IsBeingDeleted())
            {
                if (w.HasFinalizer(finalizer))
                {
                    cleanups.AddOrUpdate(key.Name, 1, (_, n) => n + 1);
                    await ctx.Client.RemoveFinalizerAsync<Widget>(key, finalizer, ct);
                }

                return ReconcileResult.Done;
            }

            await ctx.Client.AddFinalizerAsync<Widget>(key, finalizer, ct);
            return ReconcileResult.Done;
        });
        var controller = NewController(ctx, reconciler);
        var run = ctx.Run(controller.RunAsync);
        await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w"), ctx.Token);
        await Until.TrueAsync(async () => (await ctx.Client.GetAsync<Widget>("w", ctx.Namespace, ctx.Token))?.HasFinalizer(finalizer) == true, "the finalizer is added");

        await ctx.Client.DeleteAsync<Widget>("w", ctx.Namespace, ctx.Token);
        await Until.TrueAsync(async () => await ctx.Client.GetAsync<Widget>("w", ctx.Namespace, ctx.Token) is null, "the object is gone after cleanup");
        await Until.TrueAsync(() => controller.Queue.Depth == 0 && reconciler.CallsOf("w") >= 3, "the deletion is reconciled");
        cleanups["w"].ShouldBe(1);
    }

    [Fact]
    public async Task Requeue_after_reconciles_again_without_any_change()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var reconciler = new DelegateReconciler((key, ct) => Task.FromResult(ReconcileResult.Requeue(TimeSpan.FromMilliseconds(50))));
        var controller = NewController(ctx, reconciler);
        var run = ctx.Run(controller.RunAsync);
        await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w"), ctx.Token);
        await Until.TrueAsync(() => reconciler.CallsOf("w") >= 4, "the key is requeued");
        ctx.Server.WriteCount("widgets").ShouldBe(1);
    }

    [Fact]
    public async Task A_change_of_an_owned_object_reconciles_its_owner()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var reconciler = new DelegateReconciler((key, ct) => Task.FromResult(ReconcileResult.Done));
        var controller = NewController(ctx, reconciler);
        controller.Owns<V1ConfigMap>(new InformerOptions { Namespace = ctx.Namespace });
        var run = ctx.Run(controller.RunAsync);
        var owner = await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "owner"), ctx.Token);
        await Until.TrueAsync(() => reconciler.CallsOf("owner") == 1, "the owner is reconciled");

        await ctx.Client.CreateAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta
            {
                Name = "child",
                NamespaceProperty = ctx.Namespace,
                OwnerReferences = [new V1OwnerReference { ApiVersion = "test.retina.sh/v1", Kind = "Widget", Name = "owner", Uid = owner.Metadata.Uid, Controller = true }],
            },
            Data = new Dictionary<string, string> { ["k"] = "v" },
        }, ctx.Token);
        await Until.TrueAsync(() => reconciler.CallsOf("owner") == 2, "the child's creation reconciles the owner");
        reconciler.CallsOf("child").ShouldBe(0);
    }

    private static Controller<Widget> NewController(KubeTestContext ctx, IReconciler reconciler, int workers = 2, ControllerMetrics? metrics = null) =>
        new("widgets", ctx.Client, reconciler, new ControllerOptions
        {
            Workers = workers,
            Informer = new InformerOptions { Namespace = ctx.Namespace },
            Queue = new WorkQueueOptions { BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(500) },
        }, metrics: metrics ?? new ControllerMetrics(Metrics.NewCustomRegistry()));

    private static bool SetSeen(Widget w, int size)
    {
        w.Status ??= new WidgetStatus();
        w.Status.SeenSize = size;
        return true;
    }

    private static Task WaitSeenAsync(KubeTestContext ctx, string name, int size) =>
        Until.TrueAsync(async () => (await ctx.Client.GetAsync<Widget>(name, ctx.Namespace, ctx.Token))?.Status?.SeenSize == size, $"{name} is reconciled at size {size}");
}
