using System.Text.Json.Nodes;
using Retina.Kube.Client;
using Retina.Kube.Informers;
using Retina.Kube.Status;
using Retina.Kube.Store;
using Retina.Kube.Tests.TestSupport;

namespace Retina.Kube.Tests.Store;

public sealed class FileKubeClientTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "retina-filestore-" + Guid.NewGuid().ToString("N"));
    private readonly CancellationTokenSource cts = new(TimeSpan.FromSeconds(60));

    private string Source => Path.Combine(root, "resources");

    private string State => Path.Combine(root, "state");

    [Fact]
    public async Task Editing_a_yaml_file_produces_watch_events_and_bumps_generation_only_on_spec_changes()
    {
        Directory.CreateDirectory(Source);
        var file = Path.Combine(Source, "widgets.yaml");
        await File.WriteAllTextAsync(file, WidgetYaml("a", 1, "x") + "---\n" + WidgetYaml("b", 2, "x"), cts.Token);
        await using var client = await StartAsync();
        var informer = new Informer<Widget>(client);
        var handler = new RecordingHandler<Widget>();
        informer.AddHandler(handler);
        var run = Task.Run(() => informer.RunAsync(cts.Token));
        await informer.WaitForSyncAsync(cts.Token);
        informer.Cache.Count.ShouldBe(2);

        await File.WriteAllTextAsync(file, WidgetYaml("a", 5, "x") + "---\n" + WidgetYaml("b", 2, "y"), cts.Token);
        await Until.TrueAsync(() => handler.Updates.ContainsKey("a") && handler.Updates.ContainsKey("b"), "both edits are seen");
        informer.Cache.Get(new ObjectKey("default", "a"))!.Metadata.Generation.ShouldBe(2);
        informer.Cache.Get(new ObjectKey("default", "b"))!.Metadata.Generation.ShouldBe(1);
        informer.Cache.Get(new ObjectKey("default", "b"))!.Metadata.Labels["tier"].ShouldBe("y");

        await File.WriteAllTextAsync(file, WidgetYaml("a", 5, "x"), cts.Token);
        await Until.TrueAsync(() => handler.Deletes.ContainsKey("b"), "removing a document deletes the object");
        await File.WriteAllTextAsync(Path.Combine(Source, "more.yml"), WidgetYaml("c", 1, "x"), cts.Token);
        await Until.TrueAsync(() => handler.Adds.ContainsKey("c"), "a new file adds its objects");
        handler.Updates["a"].ShouldBe(1);
    }

    [Fact]
    public async Task Status_is_written_to_a_state_file_and_merged_back_when_the_store_restarts()
    {
        Directory.CreateDirectory(Source);
        await File.WriteAllTextAsync(Path.Combine(Source, "w.yaml"), WidgetYaml("a", 3, "x"), cts.Token);
        await using (var client = await StartAsync())
        {
            await client.UpdateStatusAsync<Widget>(new ObjectKey("default", "a"), w => { (w.Status ??= new()).Phase = "Running"; w.Status.SeenSize = 3; return true; }, cts.Token);
            var stateFile = Path.Combine(State, "widgets", "default", "a.yaml");
            File.Exists(stateFile).ShouldBeTrue();
            var doc = YamlJson.ParseAll(await File.ReadAllTextAsync(stateFile, cts.Token)).Single();
            ((string?)doc["status"]!["phase"]).ShouldBe("Running");
            ((long?)doc["status"]!["observedGeneration"]).ShouldBe(1);
            doc["spec"].ShouldBeNull();
        }

        await using var restarted = await StartAsync();
        var a = await restarted.GetAsync<Widget>("a", "default", cts.Token);
        a!.Status!.Phase.ShouldBe("Running");
        a.Status.SeenSize.ShouldBe(3);
        a.Spec.Size.ShouldBe(3);
    }

    [Fact]
    public async Task A_file_object_keeps_its_uid_and_creation_time_when_the_store_restarts()
    {
        Directory.CreateDirectory(Source);
        await File.WriteAllTextAsync(Path.Combine(Source, "w.yaml"), WidgetYaml("a", 1, "x"), cts.Token);
        Widget first;
        await using (var client = await StartAsync())
        {
            await client.UpdateStatusAsync<Widget>(new ObjectKey("default", "a"), w => { (w.Status ??= new()).Phase = "Running"; return true; }, cts.Token);
            first = (await client.GetAsync<Widget>("a", "default", cts.Token))!;
        }

        await using var restarted = await StartAsync();
        var again = (await restarted.GetAsync<Widget>("a", "default", cts.Token))!;
        again.Metadata.Uid.ShouldBe(first.Metadata.Uid);
        again.Metadata.CreationTimestamp.ShouldBe(first.Metadata.CreationTimestamp);
    }

    [Fact]
    public async Task Objects_created_through_the_client_are_kept_in_the_state_directory_and_restored()
    {
        await using (var client = await StartAsync())
        {
            await client.CreateAsync(new Gadget { Metadata = new() { Name = "node-1" }, Spec = new WidgetSpec { Size = 2, Color = "123" } }, cts.Token);
            await client.PatchStatusAsync<Gadget>("node-1", null, KubePatch.Merge("""{"status":{"phase":"Heartbeat"}}"""), cts.Token);
            File.Exists(Path.Combine(State, "gadgets", "_cluster", "node-1.yaml")).ShouldBeTrue();
        }

        await using (var restarted = await StartAsync())
        {
            var g = await restarted.GetAsync<Gadget>("node-1", null, cts.Token);
            g!.Spec.Size.ShouldBe(2);
            g.Spec.Color.ShouldBe("123");
            g.Status!.Phase.ShouldBe("Heartbeat");
            (await restarted.DeleteAsync<Gadget>("node-1", null, cts.Token)).ShouldBeTrue();
            File.Exists(Path.Combine(State, "gadgets", "_cluster", "node-1.yaml")).ShouldBeFalse();
        }
    }

    [Fact]
    public async Task A_file_that_does_not_parse_keeps_its_previous_objects()
    {
        Directory.CreateDirectory(Source);
        var file = Path.Combine(Source, "w.yaml");
        await File.WriteAllTextAsync(file, WidgetYaml("a", 1, "x"), cts.Token);
        await using var client = await StartAsync();
        await File.WriteAllTextAsync(file, "apiVersion: [unclosed", cts.Token);
        await client.RescanAsync(cts.Token);
        (await client.GetAsync<Widget>("a", "default", cts.Token)).ShouldNotBeNull();
    }

    [Fact]
    public void Yaml_scalars_keep_their_types_through_a_round_trip()
    {
        var doc = YamlJson.ParseAll("a: 1\nb: \"1\"\nc: true\nd: 'true'\ne: 1.5\nf: ~\ng: text\nh: [1, x]\n").Single();
        var again = YamlJson.ParseAll(YamlJson.Write(doc)).Single();
        JsonNode.DeepEquals(doc, again).ShouldBeTrue(again.ToJsonString());
        doc["a"]!.GetValueKind().ShouldBe(System.Text.Json.JsonValueKind.Number);
        doc["b"]!.GetValueKind().ShouldBe(System.Text.Json.JsonValueKind.String);
        doc["d"]!.GetValueKind().ShouldBe(System.Text.Json.JsonValueKind.String);
        doc["f"].ShouldBeNull();
    }

    public void Dispose()
    {
        cts.Cancel();
        cts.Dispose();
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private Task<FileKubeClient> StartAsync()
    {
        var options = new FileStoreOptions { SourceDirectory = Source, StateDirectory = State, RescanInterval = TimeSpan.FromMilliseconds(500) };
        options.Register<Widget>().Register<Gadget>();
        return FileKubeClient.StartAsync(options, cancellationToken: cts.Token);
    }

    private static string WidgetYaml(string name, int size, string tier) => $"""
        apiVersion: test.retina.sh/v1
        kind: Widget
        metadata:
          name: {name}
          labels:
            tier: {tier}
        spec:
          size: {size}

        """;
}
