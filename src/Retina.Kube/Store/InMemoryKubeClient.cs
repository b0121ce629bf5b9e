using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Retina.Kube.Client;
using Retina.Kube.Json;
using Retina.Kube.Selectors;

namespace Retina.Kube.Store;

/// <summary><see cref="IKubeClient"/> over an in-process <see cref="ApiObjectStore"/>: kinds register themselves on first use.</summary>
public sealed class InMemoryKubeClient : IKubeClient
{
    private readonly TimeProvider time;

    public InMemoryKubeClient(ApiObjectStore? store = null, TimeProvider? timeProvider = null)
    {
        time = timeProvider ?? TimeProvider.System;
        Store = store ?? new ApiObjectStore(time);
    }

    public ApiObjectStore Store { get; }

    /// <summary>How often an idle watch sends a bookmark when the caller allows them.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(5);

    public Task<T?> GetAsync<T>(string name, string? ns, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        try
        {
            return Task.FromResult<T?>(KubeJson.FromNode<T>(Store.Get(Descriptor<T>(), ns, name)));
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return Task.FromResult<T?>(null);
        }
    }

    public Task<KubeList<T>> ListAsync<T>(ListOptions options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var (items, version) = Store.List(Descriptor<T>(), options.Namespace, LabelSelector.Parse(options.LabelSelector), FieldSelector.Parse(options.FieldSelector));
        return Task.FromResult(new KubeList<T>(items.Select(KubeJson.FromNode<T>).ToList(), version.ToString(CultureInfo.InvariantCulture)));
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(WatchOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var d = Descriptor<T>();
        long? from = long.TryParse(options.ResourceVersion, CultureInfo.InvariantCulture, out var v) ? v : null;
        StoreWatch watch;
        V1Status? gone = null;
        try
        {
            watch = Store.Watch(d, options.Namespace, LabelSelector.Parse(options.LabelSelector), FieldSelector.Parse(options.FieldSelector), from);
        }
        catch (KubeApiException e) when (e.IsGone)
        {
            watch = null!;
            gone = e.Status;
        }

        if (gone is not null)
        {
            yield return new WatchEvent<T>(WatchEventKind.Error, null, gone);
            yield break;
        }

        using (watch)
        {
            var bookmarks = options.AllowBookmarks ? BookmarkInterval : (TimeSpan?)null;
            await foreach (var (type, obj) in StoreWatchStream.ReadAsync(watch, bookmarks, options.Timeout, time, cancellationToken).ConfigureAwait(false))
            {
                yield return new WatchEvent<T>(type, KubeJson.FromNode<T>(obj));
            }
        }
    }

    public Task<T> CreateAsync<T>(T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Task.FromResult(KubeJson.FromNode<T>(Store.Create(Descriptor<T>(), obj.Metadata?.NamespaceProperty, KubeJson.ToNode(obj))));

    public Task<T> UpdateAsync<T>(T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Task.FromResult(KubeJson.FromNode<T>(Store.Update(Descriptor<T>(), obj.Metadata?.NamespaceProperty, obj.Metadata?.Name ?? "", KubeJson.ToNode(obj), false)));

    public Task<T> PatchAsync<T>(string name, string? ns, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Task.FromResult(KubeJson.FromNode<T>(Store.Patch(Descriptor<T>(), ns, name, patch, false)));

    public Task<T> PatchStatusAsync<T>(string name, string? ns, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var d = Descriptor<T>();
        return Task.FromResult(KubeJson.FromNode<T>(Store.Patch(d, ns, name, patch, d.HasStatusSubresource)));
    }

    public Task<bool> DeleteAsync<T>(string name, string? ns, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        try
        {
            Store.Delete(Descriptor<T>(), ns, name);
            return Task.FromResult(true);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return Task.FromResult(false);
        }
    }

    internal JsonObject? TryGetNode(ResourceDescriptor d, string? ns, string name)
    {
        try
        {
            return Store.Get(d, ns, name);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    private ResourceDescriptor Descriptor<T>()
    {
        var d = ResourceDescriptor.For<T>();
        if (Store.Find(d.Group, d.Version, d.Plural) is null)
        {
            Store.Register(d);
        }

        return d;
    }
}
