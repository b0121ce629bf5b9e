using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Retina.Controllers.Tls;

namespace Retina.Controllers.Hosting;

public static class HttpsListenerExtensions
{
    /// <summary>Listens with TLS on <paramref name="endpoint"/>, presenting the current <see cref="ServingCertificate"/> at each handshake.</summary>
    public static void ListenHttps(this KestrelServerOptions kestrel, IPEndPoint endpoint) =>
        kestrel.Listen(endpoint, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificateSelector = (_, _) => kestrel.ApplicationServices.GetRequiredService<ServingCertificate>().Current,
        }));

    /// <summary>Maps every registered <see cref="HttpsEndpoints"/>; they answer 404 to plain-HTTP requests (the health listener).</summary>
    public static WebApplication MapHttpsEndpoints(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<HttpsOnlyMetadata>() is not null && !context.Request.IsHttps)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        var group = app.MapGroup("").WithMetadata(new HttpsOnlyMetadata());
        foreach (var endpoints in app.Services.GetServices<HttpsEndpoints>())
        {
            endpoints.Map(group);
        }

        return app;
    }
}
