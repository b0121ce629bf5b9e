using System.Text.Json.Nodes;
using System.Threading.Channels;
using Retina.Kube.Client;
using Retina.Kube.Selectors;

namespace Retina.Kube.Store;

/// <summary>One subscriber of <see cref="ApiObjectStore"/> changes, filtered by kind, namespace and selectors.</summary>
public sealed class StoreWatch : IDisposable
{
    private readonly Channel<StoreEvent> channel = Channel.CreateUnbounded<StoreEvent>();
    private readonly ApiObjectStore store;

    internal StoreWatch(ApiObjectStore store, ResourceDescriptor resource, string? ns, LabelSelector labels, FieldSelector fields)
    {
        this.store = store;
        Resource = resource;
        Namespace = ns;
        Labels = labels;
        Fields = fields;
    }

    public ResourceDescriptor Resource { get; }

    public string? Namespace { get; }

    public LabelSelector Labels { get; }

    public FieldSelector Fields { get; }

    public ChannelReader<StoreEvent> Reader => channel.Reader;

    /// <summary>When everything queued has been read, the store's current version is a valid bookmark.</summary>
    public bool TryGetBookmark(out long resourceVersion) => store.TryGetBookmark(this, out resourceVersion);

    public void Dispose()
    {
        store.Unsubscribe(this);
        channel.Writer.TryComplete();
    }

    internal bool Matches(JsonObject obj)
    {
        if (Namespace is not null && (string?)obj["metadata"]?["namespace"] != Namespace)
        {
            return false;
        }

        var labels = obj["metadata"]?["labels"] as JsonObject;
        var dict = labels?.ToDictionary(p => p.Key, p => (string?)p.Value ?? "", StringComparer.Ordinal);
        return Labels.Matches(dict) && Fields.Matches(obj);
    }

    /// <summary>Translates an event for this watcher: objects moving into or out of the selection become ADDED or DELETED.</summary>
    internal void Offer(StoreEvent e)
    {
        if (e.Resource.Group != Resource.Group || e.Resource.Plural != Resource.Plural)
        {
            return;
        }

        var now = Matches(e.Object);
        var before = e.Previous is not null && Matches(e.Previous);
        var type = e.Type switch
        {
            WatchEventKind.Modified when now && before => WatchEventKind.Modified,
            WatchEventKind.Modified when now => WatchEventKind.Added,
            WatchEventKind.Modified when before => WatchEventKind.Deleted,
            WatchEventKind.Added or WatchEventKind.Deleted when now => e.Type,
            _ => (WatchEventKind?)null,
        };
        if (type is { } t)
        {
            channel.Writer.TryWrite(e with { Type = t });
        }
    }

    internal void Complete(Exception? error = null) => channel.Writer.TryComplete(error);
}
