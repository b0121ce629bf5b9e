using System.Collections.Concurrent;
using Retina.Kube.Client;
using Retina.Kube.Controllers;

namespace Retina.Kube.Tests.TestSupport;

/// <summary>A reconciler made of a function, counting its calls per key.</summary>
public sealed class DelegateReconciler(Func<ObjectKey, CancellationToken, Task<ReconcileResult>> body) : IReconciler
{
    public ConcurrentDictionary<string, int> Calls { get; } = new();

    public int CallsOf(string name) => Calls.Where(p => p.Key.EndsWith("/" + name, StringComparison.Ordinal) || p.Key == name).Sum(p => p.Value);

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        Calls.AddOrUpdate(key.ToString(), 1, (_, n) => n + 1);
        return await body(key, cancellationToken);
    }
}
