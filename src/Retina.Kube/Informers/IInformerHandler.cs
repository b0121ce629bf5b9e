namespace Retina.Kube.Informers;

/// <summary>Receives an informer's changes, in order, on the informer's loop: keep it quick (enqueue, don't reconcile).</summary>
public interface IInformerHandler<in T>
{
    void OnAdd(T obj);

    void OnUpdate(T previous, T current);

    void OnDelete(T obj);
}
