using k8s.Models;
using Retina.Kube.Client;
using Retina.Kube.Informers;
using Retina.Kube.Tests.TestSupport;

namespace Retina.Kube.Tests.Informers;

public sealed class InformerTests
{
    [Fact]
    public async Task An_informer_lists_then_follows_changes_and_indexes_by_namespace_node_and_label()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        await ctx.Client.CreateAsync(Pod(ctx.Namespace, "p1", "n1", "web"), ctx.Token);
        var informer = new Informer<V1Pod>(ctx.Client);
        var handler = new RecordingHandler<V1Pod>();
        informer.AddHandler(handler);
        var run = ctx.Run(informer.RunAsync);
        await informer.WaitForSyncAsync(ctx.Token);
        informer.Cache.Count.ShouldBe(1);

        await ctx.Client.CreateAsync(Pod(ctx.Namespace, "p2", "n2", "db"), ctx.Token);
        await ctx.Client.CreateAsync(Pod("other-" + ctx.Namespace, "p3", "n1", "web"), ctx.Token);
        await Until.TrueAsync(() => informer.Cache.Count == 3, "the informer sees the new pods");

        informer.Cache.ByNode("n1").Select(p => p.Metadata.Name).Order().ShouldBe(["p1", "p3"]);
        informer.Cache.ByNamespace(ctx.Namespace).Count.ShouldBe(2);
        informer.Cache.ByLabel("app", "web").Count.ShouldBe(2);

        await ctx.Client.DeleteAsync<V1Pod>("p1", ctx.Namespace, ctx.Token);
        await Until.TrueAsync(() => handler.Deletes.ContainsKey("p1"), "the delete is seen");
        informer.Cache.ByNode("n1").Single().Metadata.Name.ShouldBe("p3");
        handler.Adds.Keys.Order().ShouldBe(["p1", "p2", "p3"]);
    }

    [Fact]
    public async Task An_expired_watch_relists_and_reports_only_real_differences()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w" + i), ctx.Token);
        }

        var informer = new Informer<Widget>(ctx.Client, new InformerOptions { Namespace = ctx.Namespace });
        var handler = new RecordingHandler<Widget>();
        informer.AddHandler(handler);
        var run = ctx.Run(informer.RunAsync);
        await informer.WaitForSyncAsync(ctx.Token);

        // Take the watch down, change things, forget the history, bring it back: the resume version is now too old.
        ctx.Server.WatchesDown = true;
        await ctx.Client.PatchAsync<Widget>("w1", ctx.Namespace, Retina.Kube.Client.KubePatch.Merge("""{"spec":{"size":9}}"""), ctx.Token);
        await ctx.Client.DeleteAsync<Widget>("w2", ctx.Namespace, ctx.Token);
        await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w5"), ctx.Token);
        ctx.Server.Store.CompactHistory();
        ctx.Server.WatchesDown = false;

        await Until.TrueAsync(() => informer.ListCount >= 2 && informer.Cache.Count == 5 && handler.Adds.ContainsKey("w5"), "the informer relisted");
        await ctx.Client.PatchAsync<Widget>("w3", ctx.Namespace, Retina.Kube.Client.KubePatch.Merge("""{"spec":{"size":4}}"""), ctx.Token);
        await Until.TrueAsync(() => handler.Updates.ContainsKey("w3"), "the watch resumed after the relist");

        handler.Adds.Values.ShouldAllBe(n => n == 1);
        handler.Adds.Count.ShouldBe(6);
        handler.Updates.OrderBy(p => p.Key).ShouldBe([new("w1", 1), new("w3", 1)]);
        handler.Deletes.Keys.ShouldBe(["w2"]);
        informer.Cache.Get(new ObjectKey(ctx.Namespace, "w1"))!.Spec.Size.ShouldBe(9);
    }

    [Fact]
    public async Task A_410_error_inside_a_watch_stream_makes_the_informer_relist()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var informer = new Informer<Widget>(ctx.Client, new InformerOptions { Namespace = ctx.Namespace });
        var handler = new RecordingHandler<Widget>();
        informer.AddHandler(handler);
        var run = ctx.Run(informer.RunAsync);
        await informer.WaitForSyncAsync(ctx.Token);

        ctx.Server.ExpireWatchesAfterEvents = 2;
        for (var i = 0; i < 6; i++)
        {
            await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w" + i), ctx.Token);
        }

        await Until.TrueAsync(() => informer.Cache.Count == 6 && informer.ListCount >= 2, "every widget is seen across relists");
        ctx.Server.ExpireWatchesAfterEvents = null;
        handler.Adds.Count.ShouldBe(6);
        handler.Adds.Values.ShouldAllBe(n => n == 1);
        handler.Updates.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_watch_the_server_ends_is_reopened_from_the_last_version()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var informer = new Informer<Widget>(ctx.Client, new InformerOptions { Namespace = ctx.Namespace, WatchTimeout = TimeSpan.FromSeconds(1) });
        var handler = new RecordingHandler<Widget>();
        informer.AddHandler(handler);
        var run = ctx.Run(informer.RunAsync);
        await informer.WaitForSyncAsync(ctx.Token);

        await Until.TrueAsync(() => ctx.Server.RequestCount("watch", "widgets") >= 3, "the informer re-watches after each server timeout");
        await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "late"), ctx.Token);
        await Until.TrueAsync(() => handler.Adds.ContainsKey("late"), "the re-opened watch delivers events");
        informer.ListCount.ShouldBe(1);
    }

    private static V1Pod Pod(string ns, string name, string node, string app) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "c", Image = "busybox" }] },
    };
}
