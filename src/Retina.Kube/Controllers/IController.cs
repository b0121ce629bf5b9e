namespace Retina.Kube.Controllers;

/// <summary>A runnable controller as the manager and health checks see it.</summary>
public interface IController
{
    string Name { get; }

    /// <summary>True once every informer of the controller has listed.</summary>
    bool IsSynced { get; }

    Task RunAsync(CancellationToken cancellationToken);
}
