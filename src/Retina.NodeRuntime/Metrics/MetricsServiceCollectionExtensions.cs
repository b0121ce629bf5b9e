using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Retina.NodeRuntime.Metrics;

/// <summary>Wiring for the node metrics and their /metrics endpoint.</summary>
public static class MetricsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="NodeMetrics"/> and a hosted <see cref="MetricsExporter"/> serving it on
    /// <see cref="MetricsExporterOptions.Address"/> (default ":10093").
    /// </summary>
    public static IServiceCollection AddRetinaMetricsExporter(this IServiceCollection services, Action<MetricsExporterOptions>? configure = null)
    {
        var options = new MetricsExporterOptions();
        configure?.Invoke(options);
        services.TryAddSingleton<NodeMetrics>();
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp => new MetricsExporter(sp.GetRequiredService<NodeMetrics>(), sp.GetRequiredService<MetricsExporterOptions>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<MetricsExporter>());
        return services;
    }
}
