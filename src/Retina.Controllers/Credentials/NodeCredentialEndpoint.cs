using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Retina.Api.NodeRuntime;

namespace Retina.Controllers.Credentials;

/// <summary>
/// <c>GET /node-credentials/v1/captures/{namespace}/{name}/{uid}</c> on the controllers' HTTPS listener: a node
/// runtime, authenticated by its bound token, gets the output credentials of a capture assigned to it, and nothing
/// else. Served by every replica (it only reads from the API). Answers are <c>no-store</c>; logs name the node, the
/// capture and the outcome, never a value.
/// </summary>
public static partial class NodeCredentialEndpoint
{
    public static IEndpointConventionBuilder MapNodeCredentials(this IEndpointRouteBuilder app, NodeTokenAuthenticator authenticator, NodeCredentialResolver resolver, ILogger logger)
    {
        // GET /node-credentials/v1/traces/{namespace}/{name}/{uid}: the same for a TraceSession assigned to the node (NodeRuntime spec.traces).
        app.MapGet(NodeCaptureCredentials.TracePathPrefix + "{ns}/{name}/{uid}", context => HandleAsync(context, authenticator, resolver, NodeCredentialResolver.WorkKind.Trace, logger));
        return app.MapGet(NodeCaptureCredentials.PathPrefix + "{ns}/{name}/{uid}", context => HandleAsync(context, authenticator, resolver, NodeCredentialResolver.WorkKind.Capture, logger));
    }

    private static async Task HandleAsync(HttpContext context, NodeTokenAuthenticator authenticator, NodeCredentialResolver resolver, NodeCredentialResolver.WorkKind kind, ILogger logger)
    {
        var ct = context.RequestAborted;
        var route = context.Request.RouteValues;
        var key = $"{route["ns"]}/{route["name"]}/{route["uid"]}";
        var what = kind == NodeCredentialResolver.WorkKind.Trace ? "trace" : "capture";
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : null;
        context.Response.Headers.CacheControl = "no-store";
        var who = await authenticator.AuthenticateAsync(token, ct).ConfigureAwait(false);
        if (who.NodeName is not { } node)
        {
            LogRefused(logger, what, "(unauthenticated)", key, who.Code, who.Message);
            await WriteAsync(context, who.Code, new { message = who.Message }).ConfigureAwait(false);
            return;
        }

        var answer = await resolver.ResolveAsync(node, key, kind, ct).ConfigureAwait(false);
        if (answer.Values is not { } values)
        {
            LogRefused(logger, what, node, key, answer.Code, answer.Message);
            await WriteAsync(context, answer.Code, new { message = answer.Message }).ConfigureAwait(false);
            return;
        }

        LogServed(logger, what, node, key);
        await WriteAsync(context, 200, values).ConfigureAwait(false);
    }

    private static async Task WriteAsync<T>(HttpContext context, int code, T body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Credentials of {Kind} {Key} served to node {Node}")]
    private static partial void LogServed(ILogger logger, string kind, string node, string key);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "Credentials of {Kind} {Key} refused to {Node}: {Code} {Reason}")]
    private static partial void LogRefused(ILogger logger, string kind, string node, string key, int code, string reason);
}
