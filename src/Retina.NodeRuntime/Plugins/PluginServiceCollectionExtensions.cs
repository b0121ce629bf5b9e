using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Retina.NodeRuntime.Metrics;

namespace Retina.NodeRuntime.Plugins;

/// <summary>Wiring for the plugin host.</summary>
public static class PluginServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PluginHost"/> (singleton; the container's disposal detaches everything)
    /// and the <see cref="NodeMetrics"/> it reports into. Drive it with
    /// <see cref="PluginHost.ApplyAsync"/> from the NodeRuntime spec.
    /// </summary>
    public static IServiceCollection AddRetinaPlugins(this IServiceCollection services, Action<PluginHostOptions>? configure = null)
    {
        var options = new PluginHostOptions();
        configure?.Invoke(options);
        services.TryAddSingleton<NodeMetrics>();
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp => new PluginHost(sp.GetRequiredService<PluginHostOptions>(), sp.GetRequiredService<NodeMetrics>(), sp.GetService<ILoggerFactory>()));
        return services;
    }
}
