using Microsoft.Extensions.Hosting;

namespace Retina.Kube.Hosting;

/// <summary>Runs the <see cref="ControllerManager"/> as a hosted service; losing leadership stops the application with exit code 1.</summary>
public sealed class ControllerManagerService(ControllerManager manager, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (await manager.RunAsync(stoppingToken).ConfigureAwait(false))
        {
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }
}
