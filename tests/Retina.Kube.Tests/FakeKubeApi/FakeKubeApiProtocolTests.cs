using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Retina.Kube.Client;
using Retina.Kube.Tests.TestSupport;

namespace Retina.Kube.Tests.FakeKubeApi;

public sealed class FakeKubeApiProtocolTests
{
    [Fact]
    public async Task Generation_is_bumped_only_by_spec_changes()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var created = await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w"), ctx.Token);
        created.Metadata.Generation.ShouldBe(1);
        created.Metadata.Uid.ShouldNotBeNullOrEmpty();
        created.Metadata.CreationTimestamp.ShouldNotBeNull();

        created.Metadata.Labels = new Dictionary<string, string> { ["a"] = "b" };
        var relabelled = await ctx.Client.UpdateAsync(created, ctx.Token);
        relabelled.Metadata.Generation.ShouldBe(1);
        long.Parse(relabelled.Metadata.ResourceVersion).ShouldBeGreaterThan(long.Parse(created.Metadata.ResourceVersion));

        var statused = await ctx.Client.PatchStatusAsync<Widget>("w", ctx.Namespace, KubePatch.Merge("""{"status":{"phase":"Ready"}}"""), ctx.Token);
        statused.Metadata.Generation.ShouldBe(1);
        statused.Status!.Phase.ShouldBe("Ready");

        var resized = await ctx.Client.PatchAsync<Widget>("w", ctx.Namespace, KubePatch.Merge("""{"spec":{"size":5}}"""), ctx.Token);
        resized.Metadata.Generation.ShouldBe(2);
        resized.Spec.Size.ShouldBe(5);
    }

    [Fact]
    public async Task A_write_with_a_stale_resource_version_is_answered_409_conflict()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var first = await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w"), ctx.Token);
        first.Spec.Size = 2;
        await ctx.Client.UpdateAsync(first, ctx.Token);

        first.Spec.Size = 3;
        var error = await Should.ThrowAsync<KubeApiException>(() => ctx.Client.UpdateAsync(first, ctx.Token));
        error.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        error.Reason.ShouldBe("Conflict");

        var stalePatch = new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = first.Metadata.ResourceVersion }, ["spec"] = new JsonObject { ["size"] = 9 } };
        (await Should.ThrowAsync<KubeApiException>(() => ctx.Client.PatchAsync<Widget>("w", ctx.Namespace, KubePatch.Merge(stalePatch), ctx.Token))).IsConflict.ShouldBeTrue();
    }

    [Fact]
    public async Task Missing_and_duplicate_objects_are_answered_with_status_objects()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        (await ctx.Client.GetAsync<Widget>("nope", ctx.Namespace, ctx.Token)).ShouldBeNull();
        await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w"), ctx.Token);
        var duplicate = await Should.ThrowAsync<KubeApiException>(() => ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w"), ctx.Token));
        duplicate.IsAlreadyExists.ShouldBeTrue();
        duplicate.Status.Code.ShouldBe(409);

        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri(ctx.Server.BaseUri, $"apis/test.retina.sh/v1/namespaces/{ctx.Namespace}/widgets/nope"), ctx.Token);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var status = KubernetesJson.Deserialize<V1Status>(await response.Content.ReadAsStringAsync(ctx.Token));
        status.Kind.ShouldBe("Status");
        status.Reason.ShouldBe("NotFound");
        status.Code.ShouldBe(404);
    }

    [Fact]
    public async Task Label_selectors_support_equality_inequality_sets_and_existence()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "a", labels: new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" }), ctx.Token);
        await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "b", labels: new Dictionary<string, string> { ["app"] = "db" }), ctx.Token);
        await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "c"), ctx.Token);

        async Task<string> Names(string selector) => string.Join(",", (await ctx.Client.ListAsync<Widget>(new ListOptions { Namespace = ctx.Namespace, LabelSelector = selector }, ctx.Token)).Items.Select(w => w.Metadata.Name));
        (await Names("app=web")).ShouldBe("a");
        (await Names("app!=web")).ShouldBe("b,c");
        (await Names("app in (web,db)")).ShouldBe("a,b");
        (await Names("app notin (web)")).ShouldBe("b,c");
        (await Names("tier")).ShouldBe("a");
        (await Names("!app")).ShouldBe("c");
        (await Names("app,tier!=back")).ShouldBe("a,b");
    }

    [Fact]
    public async Task Pods_can_be_selected_by_spec_node_name()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        foreach (var (name, node) in new[] { ("p1", "n1"), ("p2", "n2"), ("p3", "n1") })
        {
            await ctx.Client.CreateAsync(new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ctx.Namespace },
                Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "c", Image = "busybox" }] },
            }, ctx.Token);
        }

        var onN1 = await ctx.Client.ListAsync<V1Pod>(new ListOptions { FieldSelector = "spec.nodeName=n1" }, ctx.Token);
        onN1.Items.Select(p => p.Metadata.Name).ShouldBe(["p1", "p3"]);
        var notN1 = await ctx.Client.ListAsync<V1Pod>(new ListOptions { Namespace = ctx.Namespace, FieldSelector = "spec.nodeName!=n1" }, ctx.Token);
        notN1.Items.Single().Metadata.Name.ShouldBe("p2");
    }

    [Fact]
    public async Task The_status_subresource_ignores_spec_and_the_main_resource_ignores_status()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w", size: 1), ctx.Token);
        var afterStatus = await ctx.Client.PatchStatusAsync<Widget>("w", ctx.Namespace, KubePatch.Merge("""{"spec":{"size":7},"status":{"phase":"A"}}"""), ctx.Token);
        afterStatus.Spec.Size.ShouldBe(1);
        afterStatus.Status!.Phase.ShouldBe("A");

        var afterMain = await ctx.Client.PatchAsync<Widget>("w", ctx.Namespace, KubePatch.Merge("""{"spec":{"size":2},"status":{"phase":"B"}}"""), ctx.Token);
        afterMain.Spec.Size.ShouldBe(2);
        afterMain.Status!.Phase.ShouldBe("A");
    }

    [Fact]
    public async Task Delete_with_finalizers_only_marks_and_removing_the_last_finalizer_deletes()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var w = Widget.Create(ctx.Namespace, "w");
        w.Metadata.Finalizers = ["test/a", "test/b"];
        await ctx.Client.CreateAsync(w, ctx.Token);
        (await ctx.Client.DeleteAsync<Widget>("w", ctx.Namespace, ctx.Token)).ShouldBeTrue();
        var marked = await ctx.Client.GetAsync<Widget>("w", ctx.Namespace, ctx.Token);
        marked!.Metadata.DeletionTimestamp.ShouldNotBeNull();

        await ctx.Client.PatchAsync<Widget>("w", ctx.Namespace, KubePatch.Json("""[{"op":"remove","path":"/metadata/finalizers/0"}]"""), ctx.Token);
        (await ctx.Client.GetAsync<Widget>("w", ctx.Namespace, ctx.Token)).ShouldNotBeNull();
        await ctx.Client.PatchAsync<Widget>("w", ctx.Namespace, KubePatch.Json("""[{"op":"remove","path":"/metadata/finalizers/0"}]"""), ctx.Token);
        (await ctx.Client.GetAsync<Widget>("w", ctx.Namespace, ctx.Token)).ShouldBeNull();
    }

    [Fact]
    public async Task A_watch_from_a_compacted_version_gets_a_410_expired_error_event()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var w = await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w"), ctx.Token);
        await ctx.Client.PatchAsync<Widget>("w", ctx.Namespace, KubePatch.Merge("""{"spec":{"size":3}}"""), ctx.Token);
        ctx.Server.Store.CompactHistory();

        var events = new List<WatchEvent<Widget>>();
        await foreach (var e in ctx.Client.WatchAsync<Widget>(new WatchOptions { Namespace = ctx.Namespace, ResourceVersion = w.Metadata.ResourceVersion }, ctx.Token))
        {
            events.Add(e);
        }

        events.Single().IsGone.ShouldBeTrue();
        events.Single().Status!.Reason.ShouldBe("Expired");
    }

    [Fact]
    public async Task A_watch_replays_changes_after_its_version_and_sends_bookmarks()
    {
        await using var ctx = await KubeTestContext.StartAsync(o => o.BookmarkInterval = TimeSpan.FromMilliseconds(100));
        var w = await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w"), ctx.Token);
        await ctx.Client.PatchAsync<Widget>("w", ctx.Namespace, KubePatch.Merge("""{"spec":{"size":3}}"""), ctx.Token);
        await ctx.Client.DeleteAsync<Widget>("w", ctx.Namespace, ctx.Token);

        var types = new List<WatchEventKind>();
        await foreach (var e in ctx.Client.WatchAsync<Widget>(new WatchOptions { Namespace = ctx.Namespace, ResourceVersion = w.Metadata.ResourceVersion }, ctx.Token))
        {
            types.Add(e.Type);
            if (e.Type == WatchEventKind.Bookmark)
            {
                break;
            }
        }

        types.ShouldBe([WatchEventKind.Modified, WatchEventKind.Deleted, WatchEventKind.Bookmark]);
    }

    [Fact]
    public async Task Injected_failures_and_request_counters_are_observable()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        ctx.Server.FailNextRequests(2);
        (await Should.ThrowAsync<KubeApiException>(() => ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w"), ctx.Token))).StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        await Should.ThrowAsync<KubeApiException>(() => ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w"), ctx.Token));
        await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w"), ctx.Token);
        await ctx.Client.PatchStatusAsync<Widget>("w", ctx.Namespace, KubePatch.Merge("""{"status":{"phase":"x"}}"""), ctx.Token);

        ctx.Server.RequestCount("create", "widgets").ShouldBe(3);
        ctx.Server.RequestCount("patch", "widgets", "status").ShouldBe(1);
        ctx.Server.WriteCount("widgets").ShouldBe(4);
    }

    [Fact]
    public async Task Cluster_scoped_kinds_and_a_kubeconfig_file_work_through_the_real_client()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var path = Path.Combine(Path.GetTempPath(), "kubeconfig-" + Guid.NewGuid().ToString("N"));
        try
        {
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(ctx.Server.WriteKubeconfig(path));
            using var client = new KubeApiClient(config);
            await client.CreateAsync(new Gadget { Metadata = new V1ObjectMeta { Name = "g" } }, ctx.Token);
            await client.CreateAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "node-1" } }, ctx.Token);
            (await client.GetAsync<Gadget>("g", null, ctx.Token))!.Metadata.NamespaceProperty.ShouldBeNull();
            (await client.ListAsync<V1Node>(new ListOptions(), ctx.Token)).Items.Single().Metadata.Name.ShouldBe("node-1");
            ctx.Server.RequestCount("create", "gadgets").ShouldBe(1);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
