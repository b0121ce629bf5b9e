using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Retina.Controllers.Hosting;
using Retina.Controllers.Options;
using Retina.Controllers.Tls;
using Retina.Kube.Client;
using Retina.Kube.Hosting;
using Retina.Kube.Leader;

namespace Retina.Controllers;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Configuration.AddJsonFile(Environment.GetEnvironmentVariable("RETINA_CONFIG") ?? "/etc/retina/config.json", optional: true);
        var options = RetinaControllerOptions.From(builder.Configuration);
        options.Namespace = Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? options.Namespace;
        var tls = WebhookTlsOptions.From(builder.Configuration);
        var alerts = AlertWebhookOptions.From(builder.Configuration);
        options.AlertFiring = alerts;
        var problems = options.Validate().Concat(tls.Validate()).Concat(alerts.Validate()).Concat(Retina.Kube.Hosting.LogLevels.ValidateLoggingSection(builder.Configuration)).ToList();
        foreach (var (name, value) in new[] { (nameof(options.HealthAddress), options.HealthAddress), (nameof(options.WebhookAddress), options.WebhookAddress) })
        {
            if (!IPEndPoint.TryParse(value, out var endpoint) || endpoint.Port == 0)
            {
                problems.Add($"{RetinaControllerOptions.Section}:{name}: \"{value}\" is not an IP address and port such as 0.0.0.0:9443");
            }
        }

        if (problems.Count > 0)
        {
            await Console.Error.WriteLineAsync("invalid configuration:\n  " + string.Join("\n  ", problems));
            return 2;
        }

        // Logging:LogLevel (read by the host builder) is honoured; Retina:Controller:LogLevel, when set, replaces its default level.
        if (options.MinimumLogLevel is { } level)
        {
            builder.Logging.AddFilter((string?)null, level);
        }

        // Health and metrics on plain HTTP; the admission webhook (and other HTTPS endpoints) on WebhookAddress, on every replica.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPEndPoint.Parse(options.HealthAddress));
            kestrel.ListenHttps(IPEndPoint.Parse(options.WebhookAddress));
        });
        var leaderElection = options.LeaderElection
            ? new LeaderElectionOptions
            {
                LeaseName = "retina-controllers",
                Namespace = options.Namespace,
                Identity = Environment.GetEnvironmentVariable("POD_NAME") ?? Environment.MachineName,
            }
            : null;
        builder.Services.AddRetinaControllers(options, leaderElection);
        builder.Services.AddControllerRuntime(runtime => runtime.LeaderElection = leaderElection);
        builder.Services.AddAdmissionWebhook(options, tls);
        builder.Services.AddRequesterAuthorization();
        builder.Services.AddNodeCredentialEndpoint(options);
        builder.Services.AddAlertWebhook(options, alerts);

        var app = builder.Build();
        app.MapHealth();
        app.MapHttpsEndpoints();
        var manager = app.Services.GetRequiredService<ControllerManager>();
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();

        // A leader that lost its lease must not keep acting on stale state: exit and let the Deployment restart us.
        manager.LeadershipLost += () =>
        {
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        };
        await app.RunAsync();
        return Environment.ExitCode;
    }
}
