using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Leader;

namespace Retina.Kube.Hosting;

public static class ControllerRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the controller manager (running every registered <see cref="IController"/>), optional leader election,
    /// controller metrics and the hosted service. The application registers its <see cref="IKubeClient"/> and controllers.
    /// </summary>
    public static IServiceCollection AddControllerRuntime(this IServiceCollection services, Action<ControllerRuntimeOptions>? configure = null)
    {
        var options = new ControllerRuntimeOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp => ReferenceEquals(options.Registry, Prometheus.Metrics.DefaultRegistry) ? ControllerMetrics.Default : new ControllerMetrics(options.Registry));
        services.TryAddSingleton(sp => new ControllerManager(
            sp.GetServices<IController>(),
            options.LeaderElection is { } le
                ? new LeaderElector(sp.GetRequiredService<IKubeClient>(), le, sp.GetService<ILogger<LeaderElector>>(), sp.GetRequiredService<TimeProvider>())
                : null,
            sp.GetRequiredService<ControllerMetrics>(),
            sp.GetService<ILogger<ControllerManager>>()));
        services.AddHostedService<ControllerManagerService>();
        return services;
    }
}
