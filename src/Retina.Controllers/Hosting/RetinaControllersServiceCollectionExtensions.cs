using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retina.Controllers.Options;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Hosting;
using Retina.Kube.Leader;

namespace Retina.Controllers.Hosting;

public static class RetinaControllersServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Kubernetes client (in-cluster, else the kubeconfig) and a controller manager running every
    /// Retina.NET controller (leader-elected when <paramref name="leaderElection"/> is set). Call before AddControllerRuntime.
    /// </summary>
    public static IServiceCollection AddRetinaControllers(this IServiceCollection services, RetinaControllerOptions options, LeaderElectionOptions? leaderElection)
    {
        services.AddSingleton(options);
        services.AddSingleton<IKubeClient>(_ => new KubeApiClient(KubeConfigLoader.Load()));
        services.AddSingleton(sp =>
        {
            var client = sp.GetRequiredService<IKubeClient>();
            var loggers = sp.GetRequiredService<ILoggerFactory>();
            var controllers = RetinaControllers.Create(client, options, loggers, TimeProvider.System);
            var elector = leaderElection is null ? null : new LeaderElector(client, leaderElection, loggers.CreateLogger<LeaderElector>(), TimeProvider.System);
            return new ControllerManager(controllers, elector, ControllerMetrics.Default, loggers.CreateLogger<ControllerManager>());
        });
        return services;
    }
}
