namespace Retina.Kube.Controllers;

/// <summary>The three outcomes of a reconcile: done; look again after a delay; a passing failure, retried with backoff.</summary>
public readonly record struct ReconcileResult
{
    private ReconcileResult(TimeSpan? requeueAfter, string? error)
    {
        RequeueAfter = requeueAfter;
        Error = error;
    }

    public static ReconcileResult Done { get; }

    public TimeSpan? RequeueAfter { get; }

    public string? Error { get; }

    public bool IsError => Error is not null;

    public static ReconcileResult Requeue(TimeSpan after) => new(after, null);

    public static ReconcileResult Failed(string error) => new(null, error);

    public override string ToString() => IsError ? "error: " + Error : RequeueAfter is { } t ? "requeue after " + t : "done";
}
