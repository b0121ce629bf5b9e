using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Retina.Controllers.Admission;
using Retina.Controllers.Options;
using Retina.Controllers.Tls;
using Retina.Kube.Client;

namespace Retina.Controllers.Hosting;

public static class AdmissionWebhookServiceCollectionExtensions
{
    /// <summary>
    /// Registers the admission webhook (<c>/validate</c>, <c>/mutate</c> on the HTTPS listener), its spec validation,
    /// the TLS source chosen by <paramref name="tls"/> and the CA publisher. Needs an <see cref="IKubeClient"/>. Every
    /// replica serves it (it is not leader-elected). Add more rules with <c>AddAdmissionRule&lt;T&gt;()</c>.
    /// </summary>
    public static IServiceCollection AddAdmissionWebhook(this IServiceCollection services, RetinaControllerOptions options, WebhookTlsOptions tls)
    {
        services.TryAddSingleton(options);
        services.TryAddSingleton(tls);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServingCertificate>();
        services.TryAddSingleton<SpecValidationRule>();
        services.TryAddSingleton<AdmissionWebhook>();
        services.TryAddSingleton(sp => new CaPublisher(sp.GetRequiredService<IKubeClient>(), tls, options.Namespace, sp.GetRequiredService<ILogger<CaPublisher>>()));
        if (tls.Mode == WebhookTlsOptions.Files)
        {
            services.AddHostedService(sp => new FileTls(tls, sp.GetRequiredService<ServingCertificate>(), sp.GetRequiredService<CaPublisher>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<FileTls>>()));
        }
        else
        {
            services.AddHostedService(sp => new SelfManagedTls(sp.GetRequiredService<IKubeClient>(), tls, options.Namespace, sp.GetRequiredService<ServingCertificate>(),
                sp.GetRequiredService<CaPublisher>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SelfManagedTls>>()));
        }

        return services.AddHttpsEndpoints(routes =>
        {
            var webhook = routes.ServiceProvider.GetRequiredService<AdmissionWebhook>();
            routes.MapPost(WebhookNames.ValidatePath, webhook.ValidateAsync);
            routes.MapPost(WebhookNames.MutatePath, webhook.MutateAsync);
        });
    }

    /// <summary>
    /// Adds endpoints to the HTTPS listener (e.g. a credential endpoint for node runtimes), served with the webhook's
    /// certificate, which the node runtimes verify with the <c>retina-controllers-ca</c> ConfigMap.
    /// </summary>
    public static IServiceCollection AddHttpsEndpoints(this IServiceCollection services, Action<IEndpointRouteBuilder> map) =>
        services.AddSingleton(new HttpsEndpoints(map));
}
