using System.Text.Json.Nodes;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Kube.Client;

namespace Retina.Kube.Store;

/// <summary>
/// The local-mode <see cref="IKubeClient"/>: objects come from a directory of YAML files (re-read on file-system
/// notifications and on a periodic rescan, so edits become ADDED/MODIFIED/DELETED watch events), live in an
/// <see cref="ApiObjectStore"/> with the API's semantics, and their status (or, for objects created through the
/// client, the whole object) is written to state files that are merged back when the store starts.
/// </summary>
public sealed partial class FileKubeClient : IKubeClient, IAsyncDisposable
{
    private readonly FileStoreOptions options;
    private readonly InMemoryKubeClient inner;
    private readonly FileStateDirectory state;
    private readonly ILogger logger;
    private readonly SemaphoreSlim scanGate = new(1, 1);
    private readonly Lock persistGate = new();
    private readonly Channel<bool> changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource stop = new();
    private readonly TimeProvider time;
    private Dictionary<FileObjectKey, string> fileObjects = [];
    private FileSystemWatcher? watcher;
    private Task? loop;

    private FileKubeClient(FileStoreOptions options, ILogger logger, TimeProvider time)
    {
        this.options = options;
        this.logger = logger;
        this.time = time;
        inner = new InMemoryKubeClient(new ApiObjectStore(time), time);
        foreach (var d in options.Resources)
        {
            inner.Store.Register(d);
        }

        state = new FileStateDirectory(options.StateDirectory);
    }

    public ApiObjectStore Store => inner.Store;

    /// <summary>Files of the source directory the last scan could not read (path → reason); their previous objects are kept.</summary>
    public IReadOnlyDictionary<string, string> UnreadableFiles { get; private set; } = new Dictionary<string, string>();

    /// <summary>Loads the directory and the state, then keeps following the directory until disposed.</summary>
    public static async Task<FileKubeClient> StartAsync(FileStoreOptions options, ILogger? logger = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.SourceDirectory);
        Directory.CreateDirectory(options.StateDirectory);
        var client = new FileKubeClient(options, logger ?? NullLogger.Instance, timeProvider ?? TimeProvider.System);
        await client.RescanAsync(cancellationToken).ConfigureAwait(false);
        client.RestoreCreatedObjects();
        client.watcher = new FileSystemWatcher(options.SourceDirectory) { IncludeSubdirectories = true };
        client.watcher.Changed += client.OnFileEvent;
        client.watcher.Created += client.OnFileEvent;
        client.watcher.Deleted += client.OnFileEvent;
        client.watcher.Renamed += client.OnFileEvent;
        client.watcher.EnableRaisingEvents = true;
        client.loop = client.FollowAsync(client.stop.Token);
        return client;
    }

    private void WriteNotApplied(IReadOnlyDictionary<string, string> files)
    {
        try
        {
            state.WriteNotApplied(files);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogStateWriteFailed(logger, e, state.NotAppliedPath);
        }
    }

    /// <summary>Reads the source directory now and applies the differences to the store.</summary>
    public async Task RescanAsync(CancellationToken cancellationToken)
    {
        await scanGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var scan = FileSourceScanner.Scan(options.SourceDirectory, Store, logger, options.Admission);
            foreach (var (key, (d, obj, _)) in scan.Objects)
            {
                ApplyFromFile(key, d, obj);
            }

            foreach (var (key, file) in fileObjects)
            {
                if (!scan.Objects.ContainsKey(key) && !scan.FailedFiles.ContainsKey(file))
                {
                    DeleteFromFile(key);
                }
            }

            var next = scan.Objects.ToDictionary(p => p.Key, p => p.Value.File);
            foreach (var (key, file) in fileObjects)
            {
                if (scan.FailedFiles.ContainsKey(file))
                {
                    next.TryAdd(key, file);
                }
            }

            fileObjects = next;
            UnreadableFiles = scan.FailedFiles;
            WriteNotApplied(scan.FailedFiles);
        }
        finally
        {
            scanGate.Release();
        }
    }

    public Task<T?> GetAsync<T>(string name, string? ns, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => inner.GetAsync<T>(name, ns, cancellationToken);

    public Task<KubeList<T>> ListAsync<T>(ListOptions options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => inner.ListAsync<T>(options, cancellationToken);

    public IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(WatchOptions options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => inner.WatchAsync<T>(options, cancellationToken);

    public async Task<T> CreateAsync<T>(T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var created = await inner.CreateAsync(obj, cancellationToken).ConfigureAwait(false);
        Persist(ResourceDescriptor.For<T>(), ObjectKey.Of(created));
        return created;
    }

    public async Task<T> UpdateAsync<T>(T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var updated = await inner.UpdateAsync(obj, cancellationToken).ConfigureAwait(false);
        Persist(ResourceDescriptor.For<T>(), ObjectKey.Of(obj));
        return updated;
    }

    public async Task<T> PatchAsync<T>(string name, string? ns, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var patched = await inner.PatchAsync<T>(name, ns, patch, cancellationToken).ConfigureAwait(false);
        Persist(ResourceDescriptor.For<T>(), new ObjectKey(ns, name));
        return patched;
    }

    public async Task<T> PatchStatusAsync<T>(string name, string? ns, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var patched = await inner.PatchStatusAsync<T>(name, ns, patch, cancellationToken).ConfigureAwait(false);
        Persist(ResourceDescriptor.For<T>(), new ObjectKey(ns, name));
        return patched;
    }

    public async Task<bool> DeleteAsync<T>(string name, string? ns, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var deleted = await inner.DeleteAsync<T>(name, ns, cancellationToken).ConfigureAwait(false);
        Persist(ResourceDescriptor.For<T>(), new ObjectKey(ns, name));
        return deleted;
    }

    public async ValueTask DisposeAsync()
    {
        watcher?.Dispose();
        await stop.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        stop.Dispose();
        scanGate.Dispose();
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e) => changes.Writer.TryWrite(true);

    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            tick.CancelAfter(options.RescanInterval);
            try
            {
                await changes.Reader.WaitToReadAsync(tick.Token).ConfigureAwait(false);
                changes.Reader.TryRead(out _);

                // Editors write in several steps: let a burst of notifications settle before reading.
                await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Periodic rescan.
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await RescanAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or KubeApiException)
            {
                LogScanFailed(logger, e, options.SourceDirectory);
            }
        }
    }

    private void Persist(ResourceDescriptor d, ObjectKey key)
    {
        if (options.TransientKinds.Contains(d.Kind))
        {
            return;
        }

        var ns = d.Namespaced ? key.Namespace : null;
        lock (persistGate)
        {
            PersistLocked(d, ns, key.Name);
        }
    }

    private void PersistLocked(ResourceDescriptor d, string? ns, string name)
    {
        var key = new ObjectKey(ns, name);
        var node = inner.TryGetNode(d, ns, key.Name);
        if (node is null)
        {
            state.Delete(d, ns, key.Name);
        }
        else if (fileObjects.ContainsKey(new FileObjectKey(d.Group + "/" + d.Plural, ns, key.Name)))
        {
            state.WriteStatus(d, ns, key.Name, node);
        }
        else
        {
            state.WriteObject(d, ns, key.Name, node);
        }
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "Local store: scanning {Directory} failed")]
    private static partial void LogScanFailed(ILogger logger, Exception exception, string directory);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Local store: could not apply {Kind} {Name}")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception, string kind, string name);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Local store: could not write {Path}")]
    private static partial void LogStateWriteFailed(ILogger logger, Exception exception, string path);
}
