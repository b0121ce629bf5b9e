using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Retina.Kube.Informers;

namespace Retina.Kube.Tests.TestSupport;

/// <summary>Counts an informer's handler calls per object name.</summary>
public sealed class RecordingHandler<T> : IInformerHandler<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public ConcurrentDictionary<string, int> Adds { get; } = new();

    public ConcurrentDictionary<string, int> Updates { get; } = new();

    public ConcurrentDictionary<string, int> Deletes { get; } = new();

    public void OnAdd(T obj) => Adds.AddOrUpdate(obj.Metadata.Name, 1, (_, n) => n + 1);

    public void OnUpdate(T previous, T current) => Updates.AddOrUpdate(current.Metadata.Name, 1, (_, n) => n + 1);

    public void OnDelete(T obj) => Deletes.AddOrUpdate(obj.Metadata.Name, 1, (_, n) => n + 1);
}
