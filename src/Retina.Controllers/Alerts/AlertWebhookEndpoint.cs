using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Retina.Controllers.Options;

namespace Retina.Controllers.Alerts;

/// <summary>
/// <c>POST /api/v1/alerts/webhook</c>: Alertmanager's webhook receiver. Answers, so that Alertmanager's retry does the
/// right thing: 401 without the bearer token, 413 over the size cap, 400 with the reason for a payload we cannot read
/// (nothing is acted on), 503 when the token is not configured yet or the Kubernetes API failed transiently (retry),
/// 200 once every firing is recorded on its policy. Safe on every replica: decisions serialise on the policy's status.
/// The token is never logged.
/// </summary>
public static partial class AlertWebhookEndpoint
{
    public const string Path = "/api/v1/alerts/webhook";

    public static IEndpointConventionBuilder MapAlertWebhook(this IEndpointRouteBuilder routes, AlertFiringRecorder recorder, IAlertWebhookToken token,
        AlertWebhookOptions options, AlertWebhookMetrics metrics, ILogger logger) =>
        routes.MapPost(Path, async (HttpContext http) =>
        {
            var (code, body) = await HandleAsync(http, recorder, token, options, logger).ConfigureAwait(false);
            metrics.Posts.WithLabels(code switch
            {
                200 => "accepted",
                400 => "bad_request",
                401 => "unauthorized",
                413 => "too_large",
                _ => "transient_error",
            }).Inc();
            if (code == 401)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
            }

            return Results.Json(body, statusCode: code);
        });

    private static async Task<(int Code, object Body)> HandleAsync(HttpContext http, AlertFiringRecorder recorder, IAlertWebhookToken token,
        AlertWebhookOptions options, ILogger logger)
    {
        var ct = http.RequestAborted;
        var expected = await token.GetAsync(ct).ConfigureAwait(false);
        if (expected is null)
        {
            LogNoToken(logger, options.TokenFile ?? $"Secret {options.TokenSecretName} key {options.TokenSecretKey}");
            return (503, Error("the receiver's bearer token is not configured yet"));
        }

        if (!AlertWebhookTokens.Accepts(expected, http.Request.Headers.Authorization))
        {
            return (401, Error("a valid bearer token is required (Alertmanager: http_config.authorization)"));
        }

        if (http.Request.ContentLength > options.MaxBodyBytes)
        {
            return (413, Error($"the body is larger than {options.MaxBodyBytes} bytes"));
        }

        var read = await Hosting.RequestBodies.ReadCappedAsync(http.Request.Body, options.MaxBodyBytes, ct).ConfigureAwait(false);
        if (read is null)
        {
            return (413, Error($"the body is larger than {options.MaxBodyBytes} bytes"));
        }

        AlertNotification notification;
        try
        {
            notification = AlertNotification.Parse(read);
        }
        catch (AlertNotificationException e)
        {
            return (400, Error(e.Message));
        }

        try
        {
            var receipt = await recorder.RecordAsync(notification, ct).ConfigureAwait(false);
            return (200, new
            {
                truncatedAlerts = notification.TruncatedAlerts,
                firings = receipt.Outcomes.Select(o => new
                {
                    policy = o.Policy.Metadata.NamespaceProperty + "/" + o.Policy.Metadata.Name,
                    trigger = o.Trigger,
                    episode = o.Episode.Key,
                    outcome = o.Outcome,
                    capture = o.Capture,
                    message = o.Message,
                    repeat = o.Repeat,
                }),
            });
        }
        catch (AlertTransientException e)
        {
            LogTransient(logger, e.InnerException!.Message);
            return (503, Error("the Kubernetes API failed transiently; send again"));
        }
    }

    private static object Error(string message) => new { error = message };

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Alert webhook post refused: no bearer token is configured ({Source})")]
    private static partial void LogNoToken(ILogger logger, string source);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Alert webhook post answered 503 (Alertmanager will retry): {Reason}")]
    private static partial void LogTransient(ILogger logger, string reason);
}
