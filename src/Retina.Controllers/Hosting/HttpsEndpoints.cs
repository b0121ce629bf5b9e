using Microsoft.AspNetCore.Routing;

namespace Retina.Controllers.Hosting;

/// <summary>
/// Endpoints served only on the HTTPS listener (<c>WebhookAddress</c>, the certificate of <c>Tls/</c>): the admission
/// webhook, and whatever else registers with <see cref="AdmissionWebhookServiceCollectionExtensions.AddHttpsEndpoints"/>.
/// </summary>
public sealed record HttpsEndpoints(Action<IEndpointRouteBuilder> Map);

/// <summary>Marks an endpoint as HTTPS-only: on the plain-HTTP health listener it is 404.</summary>
public sealed class HttpsOnlyMetadata;
