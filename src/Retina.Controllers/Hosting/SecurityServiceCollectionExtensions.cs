using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retina.Controllers.Admission;
using Retina.Controllers.Authorization;
using Retina.Controllers.Credentials;
using Retina.Controllers.Options;
using Retina.Kube.Client;

namespace Retina.Controllers.Hosting;

public static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// The admission rules that authorize the requesting user (SubjectAccessReview of the user, not of us) for what a
    /// Capture, TraceSession, ShellSession or CapturePolicy reaches. Run by the webhook after the spec validators.
    /// </summary>
    public static IServiceCollection AddRequesterAuthorization(this IServiceCollection services)
    {
        services.AddSingleton(sp => new RequesterAccess(sp.GetRequiredService<IKubeClient>()));
        services.AddAdmissionRule<CaptureAuthorizationRule>();
        services.AddAdmissionRule<TraceSessionAuthorizationRule>();
        services.AddAdmissionRule<ShellSessionAuthorizationRule>();
        services.AddAdmissionRule<CapturePolicyAuthorizationRule>();
        return services;
    }

    /// <summary>The node credential endpoint on the HTTPS listener: a node gets the credentials of captures assigned to it, nothing else.</summary>
    public static IServiceCollection AddNodeCredentialEndpoint(this IServiceCollection services, RetinaControllerOptions options) =>
        services.AddHttpsEndpoints(routes =>
        {
            var client = routes.ServiceProvider.GetRequiredService<IKubeClient>();
            var logger = routes.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("retina.credentials");
            routes.MapNodeCredentials(
                new NodeTokenAuthenticator(client, options.Namespace, options.NodeRuntimeServiceAccount, options.NodeCredentialAudience),
                new NodeCredentialResolver(client), logger);
        });
}
