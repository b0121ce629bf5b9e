using Retina.Kube.Informers;
using Retina.Kube.Queue;

namespace Retina.Kube.Controllers;

public sealed record ControllerOptions
{
    /// <summary>How many keys are reconciled at once (never two workers on one key).</summary>
    public int Workers { get; init; } = 2;

    public InformerOptions Informer { get; init; } = new();

    public WorkQueueOptions Queue { get; init; } = new();

    /// <summary>Re-queue every cached object this often (0 = never), to converge drift nobody announced.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.Zero;
}
