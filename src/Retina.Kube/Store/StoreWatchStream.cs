using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Retina.Kube.Client;

namespace Retina.Kube.Store;

/// <summary>Turns a <see cref="StoreWatch"/> into the API's stream of events, with periodic bookmarks and a server-side timeout.</summary>
public static class StoreWatchStream
{
    public static async IAsyncEnumerable<(WatchEventKind Type, JsonObject Object)> ReadAsync(
        StoreWatch watch,
        TimeSpan? bookmarkInterval,
        TimeSpan? timeout,
        TimeProvider timeProvider,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var deadline = timeout is { } t
            ? new CancellationTokenSource(t, timeProvider)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        while (!linked.IsCancellationRequested)
        {
            var hasData = false;
            using (var tick = CancellationTokenSource.CreateLinkedTokenSource(linked.Token))
            {
                if (bookmarkInterval is { } interval)
                {
                    tick.CancelAfter(interval);
                }

                try
                {
                    hasData = await watch.Reader.WaitToReadAsync(tick.Token).ConfigureAwait(false);
                    if (!hasData)
                    {
                        yield break;
                    }
                }
                catch (OperationCanceledException) when (!linked.IsCancellationRequested)
                {
                    // The bookmark tick fired: fall through to send one.
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
            }

            if (!hasData)
            {
                if (watch.TryGetBookmark(out var version))
                {
                    yield return (WatchEventKind.Bookmark, Bookmark(watch.Resource, version));
                }

                continue;
            }

            while (watch.Reader.TryRead(out var e))
            {
                yield return (e.Type, e.Object);
            }
        }
    }

    public static JsonObject Bookmark(ResourceDescriptor d, long version) => new()
    {
        ["apiVersion"] = d.ApiVersion,
        ["kind"] = d.Kind,
        ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) },
    };
}
