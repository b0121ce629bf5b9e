using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Retina.Kube.Hosting;

public static class ControllerRuntimeEndpointExtensions
{
    /// <summary>Maps <c>/healthz</c> (alive), <c>/readyz</c> (informers synced, or standby) and <c>/metrics</c> (Prometheus text).</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok"));
        endpoints.MapGet("/readyz", (HttpContext context) =>
        {
            var manager = context.RequestServices.GetService<ControllerManager>();
            return manager is null || manager.IsReady ? Results.Text("ok") : Results.Text("informers not synced", statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        endpoints.MapGet("/metrics", async (HttpContext context) =>
        {
            var registry = context.RequestServices.GetService<ControllerRuntimeOptions>()?.Registry ?? Metrics.DefaultRegistry;
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        });
        return endpoints;
    }
}
