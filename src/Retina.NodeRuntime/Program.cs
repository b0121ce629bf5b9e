using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Retina.Kube.Client;
using Retina.NodeRuntime.Agent;

namespace Retina.NodeRuntime;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Environment.GetEnvironmentVariable("RETINA_CONFIG") ?? "/etc/retina/config.json", optional: true)
            .AddEnvironmentVariables("RETINA_")
            .AddCommandLine(args)
            .Build();
        var options = configuration.GetSection(NodeAgentOptions.Section).Get<NodeAgentOptions>() ?? new NodeAgentOptions();
        var problems = options.Validate().Concat(Retina.Kube.Hosting.LogLevels.ValidateLoggingSection(configuration)).ToList();
        if (problems.Count > 0)
        {
            await Console.Error.WriteLineAsync("invalid configuration:\n  " + string.Join("\n  ", problems));
            return 2;
        }

        // The standard Logging section (Logging:LogLevel:Default, per-category levels) is honoured; Retina:NodeRuntime:LogLevel,
        // when set, replaces the default level (added last, it wins over Logging:LogLevel:Default at equal specificity).
        using var loggers = LoggerFactory.Create(b =>
        {
            b.AddConfiguration(configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information);
            if (options.MinimumLogLevel is { } level)
            {
                b.AddFilter((string?)null, level);
            }
        });
        using var stop = new CancellationTokenSource();
        // SIGTERM (the kubelet) and SIGINT stop the loop; Main then detaches every program before exiting.
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        using var client = new KubeApiClient(KubeConfigLoader.Load());
        await using var host = await NodeRuntimeHost.StartAsync(client, options, loggers, TimeProvider.System, stop.Token);
        foreach (var notice in host.Notices)
        {
            loggers.CreateLogger("retina.noderuntime").LogWarning("{Notice}", notice);
        }

        await host.RunAsync(stop.Token);
        return 0;
    }
}
