using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retina.Controllers.Alerts;
using Retina.Controllers.Options;
using Retina.Kube.Client;
using Retina.Kube.Events;

namespace Retina.Controllers.Hosting;

public static class AlertWebhookServiceCollectionExtensions
{
    /// <summary>
    /// The Alertmanager receiver on the HTTPS listener of every replica (Service <c>retina-controllers-webhook</c>, the
    /// CA in ConfigMap <c>retina-controllers-ca</c> for Alertmanager's <c>tls_config.ca_file</c>), token from the Secret.
    /// </summary>
    public static IServiceCollection AddAlertWebhook(this IServiceCollection services, RetinaControllerOptions controller, AlertWebhookOptions options) =>
        services.AddHttpsEndpoints(routes => Map(routes, routes.ServiceProvider.GetRequiredService<IKubeClient>(), controller.Namespace, options,
            routes.ServiceProvider.GetRequiredService<ILoggerFactory>(), TimeProvider.System, AlertWebhookMetrics.Default));

    /// <summary>Maps the receiver over <paramref name="client"/>; the token from <see cref="AlertWebhookOptions.TokenFile"/> when set, else the Secret.</summary>
    public static IEndpointConventionBuilder Map(IEndpointRouteBuilder routes, IKubeClient client, string ns, AlertWebhookOptions options,
        ILoggerFactory loggers, TimeProvider time, AlertWebhookMetrics metrics)
    {
        var events = new EventRecorder(client, "retina-controllers", timeProvider: time, logger: loggers.CreateLogger("events"));
        var logger = loggers.CreateLogger("retina.alertwebhook");
        var recorder = new AlertFiringRecorder(client, options, events, metrics, time, logger) { Stopper = new ResolvedStopper(client, events) };
        IAlertWebhookToken token = options.TokenFile is { } file
            ? new FileAlertWebhookToken(file)
            : new SecretAlertWebhookToken(client, ns, options.TokenSecretName, options.TokenSecretKey, time);
        return routes.MapAlertWebhook(recorder, token, options, metrics, logger);
    }

    /// <summary>
    /// The receiver alone on a plain-HTTP loopback listener (local mode, <c>127.0.0.1:10094</c>), until <paramref name="ct"/>
    /// is cancelled. Creates the token file (mode 0600) on first start.
    /// </summary>
    public static async Task RunStandaloneAsync(IKubeClient client, IPEndPoint address, AlertWebhookOptions options, ILoggerFactory loggers,
        AlertWebhookMetrics metrics, CancellationToken ct)
    {
        if (options.TokenFile is { } file && !File.Exists(file))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var stream = new FileStream(file, create))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteLineAsync(AlertWebhookTokens.NewToken().AsMemory(), ct).ConfigureAwait(false);
            }
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address));
        await using var app = builder.Build();
        Map(app, client, "", options, loggers, TimeProvider.System, metrics);
        await app.StartAsync(ct).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
