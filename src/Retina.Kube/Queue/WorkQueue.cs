namespace Retina.Kube.Queue;

/// <summary>
/// A deduplicating work queue: a key is queued at most once; a key being processed is never handed to a second
/// worker, and if it is added meanwhile it is handed out again after <see cref="Done"/>. Failing keys back off
/// exponentially per key (capped); <see cref="AddAfter"/> schedules a key for later.
/// </summary>
public sealed class WorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    private readonly Lock gate = new();
    private readonly Queue<TKey> queue = new();
    private readonly HashSet<TKey> dirty = [];
    private readonly HashSet<TKey> processing = [];
    private readonly Dictionary<TKey, int> failures = [];
    private readonly Dictionary<TKey, (DateTimeOffset Due, ITimer Timer)> delayed = [];
    private readonly SemaphoreSlim available = new(0);
    private readonly CancellationTokenSource shutdown = new();
    private readonly WorkQueueOptions options;
    private readonly TimeProvider time;

    public WorkQueue(WorkQueueOptions? options = null, TimeProvider? timeProvider = null)
    {
        this.options = options ?? new WorkQueueOptions();
        time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Keys waiting to be processed (not counting delayed or in-flight keys).</summary>
    public int Depth
    {
        get
        {
            lock (gate)
            {
                return queue.Count;
            }
        }
    }

    public bool IsShutDown => shutdown.IsCancellationRequested;

    public void Add(TKey key)
    {
        lock (gate)
        {
            if (IsShutDown || !dirty.Add(key))
            {
                return;
            }

            if (!processing.Contains(key))
            {
                queue.Enqueue(key);
                available.Release();
            }
        }
    }

    /// <summary>Adds the key once <paramref name="delay"/> has passed (an earlier schedule of the same key wins).</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (gate)
        {
            if (IsShutDown)
            {
                return;
            }

            var due = time.GetUtcNow() + delay;
            if (delayed.TryGetValue(key, out var existing))
            {
                if (existing.Due <= due)
                {
                    return;
                }

                existing.Timer.Dispose();
            }

            var timer = time.CreateTimer(_ => Fire(key), null, delay, Timeout.InfiniteTimeSpan);
            delayed[key] = (due, timer);
        }
    }

    /// <summary>Adds the key after its backoff, which doubles with every call until <see cref="Forget"/>.</summary>
    public TimeSpan AddRateLimited(TKey key)
    {
        TimeSpan delay;
        lock (gate)
        {
            var n = failures.GetValueOrDefault(key);
            failures[key] = n + 1;
            var ticks = options.BaseDelay.Ticks * Math.Pow(2, Math.Min(n, 40));
            delay = TimeSpan.FromTicks((long)Math.Min(ticks, options.MaxDelay.Ticks));
        }

        AddAfter(key, delay);
        return delay;
    }

    /// <summary>Clears the key's failure count (call after a success).</summary>
    public void Forget(TKey key)
    {
        lock (gate)
        {
            failures.Remove(key);
        }
    }

    public int Failures(TKey key)
    {
        lock (gate)
        {
            return failures.GetValueOrDefault(key);
        }
    }

    /// <summary>Waits for a key and marks it in flight; the caller must call <see cref="Done"/>. Throws once shut down.</summary>
    public async Task<TKey> TakeAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, shutdown.Token);
        while (true)
        {
            await available.WaitAsync(linked.Token).ConfigureAwait(false);
            lock (gate)
            {
                if (queue.TryDequeue(out var key))
                {
                    dirty.Remove(key);
                    processing.Add(key);
                    return key;
                }
            }
        }
    }

    public void Done(TKey key)
    {
        lock (gate)
        {
            processing.Remove(key);
            if (dirty.Contains(key) && !IsShutDown)
            {
                queue.Enqueue(key);
                available.Release();
            }
        }
    }

    /// <summary>Stops handing out keys; waiting takers get an <see cref="OperationCanceledException"/>.</summary>
    public void ShutDown()
    {
        lock (gate)
        {
            if (IsShutDown)
            {
                return;
            }

            shutdown.Cancel();
            foreach (var (_, timer) in delayed.Values)
            {
                timer.Dispose();
            }

            delayed.Clear();
        }
    }

    public void Dispose()
    {
        ShutDown();
        available.Dispose();
        shutdown.Dispose();
    }

    private void Fire(TKey key)
    {
        lock (gate)
        {
            if (delayed.Remove(key, out var entry))
            {
                entry.Timer.Dispose();
            }
        }

        Add(key);
    }
}
