using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Kube.Controllers;
using Retina.Kube.Leader;

namespace Retina.Kube.Hosting;

/// <summary>
/// Runs a set of controllers, only while this process leads when a <see cref="LeaderElector"/> is given. A leader
/// that loses its lease stops every controller and raises <see cref="LeadershipLost"/>; the process should exit.
/// </summary>
public sealed partial class ControllerManager
{
    private readonly List<IController> controllers;
    private readonly LeaderElector? elector;
    private readonly ControllerMetrics metrics;
    private readonly ILogger logger;
    private volatile bool running;

    public ControllerManager(IEnumerable<IController> controllers, LeaderElector? elector = null, ControllerMetrics? metrics = null, ILogger<ControllerManager>? logger = null)
    {
        this.controllers = [.. controllers];
        this.elector = elector;
        this.metrics = metrics ?? ControllerMetrics.Default;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public event Action? LeadershipLost;

    public IReadOnlyList<IController> Controllers => controllers;

    /// <summary>True while the controllers run (always when there is no leader election).</summary>
    public bool IsLeader => running;

    /// <summary>Ready when leading with every informer synced, or when waiting as a standby.</summary>
    public bool IsReady => !running || controllers.All(c => c.IsSynced);

    /// <summary>Runs until cancelled or until leadership is lost (then returns true).</summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        if (elector is null)
        {
            await RunControllersAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        var lost = await elector.RunAsync(RunControllersAsync, cancellationToken).ConfigureAwait(false);
        if (lost)
        {
            LogLost(logger);
            LeadershipLost?.Invoke();
        }

        return lost;
    }

    private async Task RunControllersAsync(CancellationToken cancellationToken)
    {
        running = true;
        if (elector is not null)
        {
            metrics.Leader.WithLabels("controllers").Set(1);
        }

        try
        {
            await Task.WhenAll(controllers.Select(c => c.RunAsync(cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            running = false;
            if (elector is not null)
            {
                metrics.Leader.WithLabels("controllers").Set(0);
            }
        }
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Critical, Message = "Leadership lost: controllers stopped, the process must exit")]
    private static partial void LogLost(ILogger logger);
}
