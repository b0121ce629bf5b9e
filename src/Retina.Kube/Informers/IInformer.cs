namespace Retina.Kube.Informers;

/// <summary>What a controller or a health check needs from an informer of any kind.</summary>
public interface IInformer
{
    string Kind { get; }

    bool IsSynced { get; }

    Task WaitForSyncAsync(CancellationToken cancellationToken);

    Task RunAsync(CancellationToken cancellationToken);
}
