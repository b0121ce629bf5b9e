using Retina.Kube.Client;

namespace Retina.Kube.Controllers;

/// <summary>
/// Converges the world to one object's desired state. It receives only the key: it reads what it needs (the object
/// may be gone), decides, writes, and says whether and when to look again.
/// </summary>
public interface IReconciler
{
    Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken);
}
