using k8s.Models;
using Microsoft.Extensions.Logging;
using Retina.Controllers.Hosting;
using Retina.Controllers.Options;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Local.Shell;

namespace Retina.Local.Hosting;

/// <summary>Local mode: the controllers and this host's node runtime in one process, over a directory of YAML.</summary>
public sealed partial class LocalHost(LocalOptions options, ILoggerFactory loggers)
{
    private readonly ILogger logger = loggers.CreateLogger("retina.local");

    public async Task<int> RunAsync(CancellationToken ct)
    {
        await using var store = await LocalStore.StartAsync(options.SourceDirectory, options.StateDirectory, loggers.CreateLogger("store"), ct);
        await EnsureNodeAsync(store, ct);

        var controllerOptions = new RetinaControllerOptions
        {
            Plugins = options.Plugins,
            CaptureHostPathBase = options.CaptureDirectory,
            LeaderElection = false,

            // Node shells run as processes of this host (Retina.Local/Shell), not as pods nobody would run.
            ShellSessionPods = false,

            // No kubelet runs a PVC copy Job here: a persistentVolumeClaim output is refused with its field path, never left Uploading.
            AllowedOutputs = [.. RetinaControllerOptions.KnownOutputs.Where(o => o != "persistentVolumeClaim")],
        };
        var problems = controllerOptions.Validate().ToList();
        if (options.AlertWebhookAddress is { } alertAddress && !System.Net.IPEndPoint.TryParse(alertAddress, out _))
        {
            problems.Add($"--alert-webhook: \"{alertAddress}\" is not an address and port such as 127.0.0.1:10094 (or off)");
        }

        if (problems.Count > 0)
        {
            foreach (var p in problems)
            {
                LogBadOption(logger, p);
            }

            return 2;
        }

        var runtimeOptions = new ControllerOptions { ResyncPeriod = TimeSpan.FromSeconds(30) };
        var controllers = RetinaControllers.Create(store, controllerOptions, loggers, TimeProvider.System, runtimeOptions).ToList();
        await using var shells = OperatingSystem.IsLinux() ? AddShells(store, controllerOptions, runtimeOptions, controllers) : null;
        PrintBanner();
        var tasks = controllers.Select(c => c.RunAsync(ct)).ToList();
        tasks.AddRange(options.ExtraServices.Select(s => s(store, ct)));
        if (options.AlertWebhookAddress is { } alerts)
        {
            tasks.Add(RunAlertReceiverAsync(store, alerts, ct));
        }
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        return 0;
    }

    /// <summary>
    /// The Alertmanager receiver beside the controllers. Failing to listen (the port is taken) is logged as an error and
    /// the rest of local mode goes on: captures and metrics do not depend on it.
    /// </summary>
    private async Task RunAlertReceiverAsync(IKubeClient store, string address, CancellationToken ct)
    {
        try
        {
            await AlertWebhookServiceCollectionExtensions.RunStandaloneAsync(store, System.Net.IPEndPoint.Parse(address),
                new AlertWebhookOptions { TokenFile = options.AlertWebhookTokenFile }, loggers, Retina.Controllers.Alerts.AlertWebhookMetrics.Default, ct);
        }
        catch (IOException e)
        {
            LogAlertReceiverDown(logger, address, e.Message);
        }
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private LocalShellReconciler AddShells(IKubeClient store, RetinaControllerOptions controllerOptions, ControllerOptions runtimeOptions, List<IController> controllers)
    {
        var (controller, reconciler) = LocalShells.Create(store, controllerOptions.ShellPolicy,
            new LocalShellSettings(options.NodeName, options.StateDirectory, options.ShellHostPath), loggers, TimeProvider.System, runtimeOptions);
        controllers.Add(controller);
        return reconciler;
    }

    /// <summary>Local mode has one node: this host. It exists only in memory (it is not a file in the directory).</summary>
    private async Task EnsureNodeAsync(IKubeClient store, CancellationToken ct)
    {
        if (await store.GetAsync<V1Node>(options.NodeName, null, ct) is null)
        {
            var node = new V1Node
            {
                ApiVersion = "v1",
                Kind = "Node",
                Metadata = new V1ObjectMeta
                {
                    Name = options.NodeName,
                    Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = options.NodeName, ["kubernetes.io/os"] = "linux" },
                },
            };
            await store.CreateAsync(node, ct);
        }
    }

    private void PrintBanner()
    {
        Console.WriteLine($"""
            Retina.NET local mode on node "{options.NodeName}"{(Environment.IsPrivilegedProcess ? "" : " (not root)")}
              resources  {Path.GetFullPath(options.SourceDirectory)}  (add, edit or delete YAML files while this runs)
              status     {Path.GetFullPath(options.StateDirectory)}  (retina get <kind> [-w])
              metrics    http://{options.MetricsAddress}/metrics
              alerts     {(options.AlertWebhookAddress is { } a ? $"http://{a}/api/v1/alerts/webhook  (bearer token in {options.AlertWebhookTokenFile})" : "off")}
              captures   {Path.GetFullPath(options.CaptureDirectory)}
              shells     {LocalShellPaths.Directory(options.StateDirectory)}  (retina attach <shellsession> [-n NAMESPACE])
            """);
        foreach (var line in options.Notices)
        {
            Console.WriteLine("  " + line);
        }
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Alertmanager receiver not served: cannot listen on {Address} ({Reason}); choose another with --alert-webhook")]
    private static partial void LogAlertReceiverDown(ILogger logger, string address, string reason);

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Invalid option: {Problem}")]
    private static partial void LogBadOption(ILogger logger, string problem);
}
