using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Retina.NodeRuntime.Capture;

public static class CaptureServiceCollectionExtensions
{
    /// <summary>Registers the node's <see cref="CaptureEngine"/> (a singleton) with its options; TimeProvider defaults to the system clock.</summary>
    public static IServiceCollection AddCaptureEngine(this IServiceCollection services, CaptureEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.WorkDirectory))
        {
            throw new ArgumentException("CaptureEngineOptions.WorkDirectory is required", nameof(options));
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(sp => new CaptureEngine(
            sp.GetRequiredService<CaptureEngineOptions>(),
            sp.GetService<ILogger<CaptureEngine>>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
