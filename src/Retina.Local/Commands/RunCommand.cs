using System.CommandLine;
using Microsoft.Extensions.Logging;
using Retina.Local.Hosting;

namespace Retina.Local.Commands;

/// <summary><c>retina run</c>: local mode on this host.</summary>
public static class RunCommand
{
    public static Command Create(Option<string> dir, Option<string> state)
    {
        var captures = new Option<string>("--captures") { Description = "where host-path capture outputs land", DefaultValueFactory = _ => "captures" };
        var metrics = new Option<string>("--metrics") { Description = "address of the Prometheus endpoint", DefaultValueFactory = _ => "127.0.0.1:10093" };
        var node = new Option<string>("--node") { Description = "this host's node name", DefaultValueFactory = _ => Environment.MachineName.ToLowerInvariant() };
        var alerts = new Option<string>("--alert-webhook") { Description = "address of the Alertmanager webhook receiver (CapturePolicy), or off", DefaultValueFactory = _ => "127.0.0.1:10094" };
        var apiServer = new Option<string?>("--apiserver") { Description = "API server endpoints (address:port, comma-separated) the apiserverlatency plugin probes" };
        var command = new Command("run", "Run the controllers and this host's node runtime over a directory of YAML") { captures, metrics, node, alerts, apiServer };
        command.SetAction(async (parse, ct) =>
        {
            var options = new LocalOptions
            {
                SourceDirectory = parse.GetValue(dir)!,
                StateDirectory = parse.GetValue(state)!,
                CaptureDirectory = Path.GetFullPath(parse.GetValue(captures)!),
                MetricsAddress = parse.GetValue(metrics)!,
                NodeName = parse.GetValue(node)!,
                ApiServerEndpoints = parse.GetValue(apiServer),
                AlertWebhookAddress = parse.GetValue(alerts) is "off" ? null : parse.GetValue(alerts),
                AlertWebhookTokenFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(parse.GetValue(state)!))!, "alert-webhook-token"),
            };
            using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
            LocalNodeRuntime.Add(options, loggers);
            LocalNetnsPods.Add(options, loggers);
            return await new LocalHost(options, loggers).RunAsync(ct);
        });
        return command;
    }
}
