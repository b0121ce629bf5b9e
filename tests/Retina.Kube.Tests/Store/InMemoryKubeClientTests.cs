using Retina.Kube.Client;
using Retina.Kube.Informers;
using Retina.Kube.Store;
using Retina.Kube.Tests.TestSupport;

namespace Retina.Kube.Tests.Store;

public sealed class InMemoryKubeClientTests
{
    [Fact]
    public async Task The_in_memory_store_answers_a_compacted_version_with_410_and_feeds_informers()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var client = new InMemoryKubeClient();
        await client.CreateAsync(Widget.Create("ns", "a"), cts.Token);
        var informer = new Informer<Widget>(client);
        var handler = new RecordingHandler<Widget>();
        informer.AddHandler(handler);
        var run = Task.Run(() => informer.RunAsync(cts.Token));
        await informer.WaitForSyncAsync(cts.Token);

        var w = await client.GetAsync<Widget>("a", "ns", cts.Token);
        var events = new List<WatchEvent<Widget>>();
        await client.CreateAsync(Widget.Create("ns", "b"), cts.Token);
        client.Store.CompactHistory();
        await foreach (var e in client.WatchAsync<Widget>(new WatchOptions { ResourceVersion = w!.Metadata.ResourceVersion }, cts.Token))
        {
            events.Add(e);
        }

        events.Single().IsGone.ShouldBeTrue();
        await Until.TrueAsync(() => handler.Adds.ContainsKey("b"), "the live watch sees the new object");
        handler.Adds.Count.ShouldBe(2);
    }
}
