using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Kube.Client;

namespace Retina.Kube.Informers;

/// <summary>
/// Lists then watches one kind from the list's version, keeping <see cref="Cache"/> current and telling handlers
/// about real changes only. Bookmarks and every event advance the resume version; 410 relists and emits only the
/// difference against the cache; other failures reconnect with jittered exponential backoff; a watchdog drops
/// watches that go silent.
/// </summary>
public sealed class Informer<T> : IInformer
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IKubeClient client;
    private readonly InformerOptions options;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly List<IInformerHandler<T>> handlers = [];
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Informer(IKubeClient client, InformerOptions? options = null, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        this.client = client;
        this.options = options ?? new InformerOptions();
        this.logger = logger ?? NullLogger.Instance;
        time = timeProvider ?? TimeProvider.System;
        Cache = new ObjectCache<T>(this.options.NodeOf is { } nodeOf ? o => nodeOf(o) : null);
    }

    public string Kind => ResourceDescriptor.For<T>().Kind;

    public ObjectCache<T> Cache { get; }

    public bool IsSynced => synced.Task.IsCompleted;

    /// <summary>The version the next watch resumes from.</summary>
    public string ResourceVersion { get; private set; } = "";

    /// <summary>How many lists were made (the first and every relist).</summary>
    public int ListCount { get; private set; }

    public void AddHandler(IInformerHandler<T> handler)
    {
        lock (handlers)
        {
            handlers.Add(handler);
        }
    }

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => synced.Task.WaitAsync(cancellationToken);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var needList = true;
        var backoff = options.InitialBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (needList)
                {
                    await ListAsync(cancellationToken).ConfigureAwait(false);
                    needList = false;
                }

                var sawEvents = await WatchOnceAsync(cancellationToken).ConfigureAwait(false);
                if (sawEvents is null)
                {
                    InformerLog.Expired(logger, Kind, ResourceVersion);
                    needList = true;
                    continue;
                }

                InformerLog.WatchEnded(logger, Kind, ResourceVersion);
                if (sawEvents.Value)
                {
                    backoff = options.InitialBackoff;
                }
                else
                {
                    // A watch that ends without a single event (not even a bookmark) must not become a hot loop.
                    await Task.Delay(Jitter(backoff), time, cancellationToken).ConfigureAwait(false);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, options.MaxBackoff.Ticks));
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (KubeApiException e) when (e.IsGone)
            {
                InformerLog.Expired(logger, Kind, ResourceVersion);
                needList = true;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var delay = Jitter(backoff);
                InformerLog.Failed(logger, e, Kind, delay);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, options.MaxBackoff.Ticks));
                try
                {
                    await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var list = await client.ListAsync<T>(
            new ListOptions { Namespace = options.Namespace, LabelSelector = options.LabelSelector, FieldSelector = options.FieldSelector },
            cancellationToken).ConfigureAwait(false);
        ListCount++;
        var seen = new HashSet<ObjectKey>();
        foreach (var item in list.Items)
        {
            seen.Add(ObjectKey.Of(item));
            Apply(WatchEventKind.Added, item);
        }

        foreach (var key in Cache.Keys())
        {
            if (!seen.Contains(key) && Cache.Remove(key) is { } gone)
            {
                Dispatch(h => h.OnDelete(gone));
            }
        }

        ResourceVersion = list.ResourceVersion;
        InformerLog.Listed(logger, Kind, list.Items.Count, ResourceVersion);
        synced.TrySetResult();
    }

    /// <summary>Runs one watch; null when the version expired (relist), otherwise whether any event arrived.</summary>
    private async Task<bool?> WatchOnceAsync(CancellationToken cancellationToken)
    {
        using var watchdog = new CancellationTokenSource(options.WatchTimeout + options.WatchdogGrace, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, watchdog.Token);
        var sawEvents = false;
        var watchOptions = new WatchOptions
        {
            Namespace = options.Namespace,
            LabelSelector = options.LabelSelector,
            FieldSelector = options.FieldSelector,
            ResourceVersion = ResourceVersion,
            AllowBookmarks = true,
            Timeout = options.WatchTimeout,
        };
        try
        {
            await foreach (var e in client.WatchAsync<T>(watchOptions, linked.Token).ConfigureAwait(false))
            {
                watchdog.CancelAfter(options.WatchTimeout + options.WatchdogGrace);
                if (e.Type == WatchEventKind.Error)
                {
                    if (e.IsGone)
                    {
                        return null;
                    }

                    throw KubeApiException.FromStatus((System.Net.HttpStatusCode)(e.Status?.Code ?? 500), e.Status, "watch error");
                }

                sawEvents = true;
                if (e.Object is { } obj)
                {
                    if (e.Type != WatchEventKind.Bookmark)
                    {
                        Apply(e.Type, obj);
                    }

                    if (obj.Metadata?.ResourceVersion is { Length: > 0 } rv)
                    {
                        ResourceVersion = rv;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (watchdog.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The watchdog fired: the connection went silent; re-watch from the last version.
        }

        return sawEvents;
    }

    private void Apply(WatchEventKind type, T obj)
    {
        var key = ObjectKey.Of(obj);
        if (type == WatchEventKind.Deleted)
        {
            if (Cache.Remove(key) is { } removed)
            {
                Dispatch(h => h.OnDelete(obj ?? removed));
            }

            return;
        }

        var previous = Cache.Get(key);
        if (previous is not null && previous.Metadata?.ResourceVersion == obj.Metadata?.ResourceVersion)
        {
            return;
        }

        Cache.Upsert(obj);
        if (previous is null)
        {
            Dispatch(h => h.OnAdd(obj));
        }
        else
        {
            Dispatch(h => h.OnUpdate(previous, obj));
        }
    }

    private void Dispatch(Action<IInformerHandler<T>> call)
    {
        IInformerHandler<T>[] snapshot;
        lock (handlers)
        {
            snapshot = [.. handlers];
        }

        foreach (var handler in snapshot)
        {
            try
            {
                call(handler);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                InformerLog.HandlerFailed(logger, e, Kind);
            }
        }
    }

    private static TimeSpan Jitter(TimeSpan delay) => delay * (0.5 + (Random.Shared.NextDouble() * 0.5));
}
