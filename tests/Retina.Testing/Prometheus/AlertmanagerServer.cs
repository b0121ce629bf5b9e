using Retina.Testing.Waiting;

namespace Retina.Testing.Prometheus;

/// <summary>
/// A real Alertmanager (Debian's prometheus-alertmanager) on a free loopback port, no clustering, with the given
/// configuration YAML; stopped by PID and its directory deleted on dispose, whether or not the test passed.
/// </summary>
public sealed class AlertmanagerServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus-alertmanager";
    private readonly DaemonProcess process;

    private AlertmanagerServer(string directory, int port, string configYaml)
    {
        Directory = directory;
        Address = $"127.0.0.1:{port}";
        var config = Path.Combine(directory, "alertmanager.yml");
        File.WriteAllText(config, configYaml);
        process = new DaemonProcess(Binary,
        [
            "--config.file=" + config,
            "--storage.path=" + Path.Combine(directory, "data"),
            $"--web.listen-address={Address}",
            $"--web.external-url=http://{Address}",
            "--cluster.listen-address=",
            "--log.level=warn",
        ]);
    }

    /// <summary>host:port, for Prometheus's alerting configuration.</summary>
    public string Address { get; }

    public string Directory { get; }

    /// <summary>What Alertmanager printed (warnings and errors), for failure messages.</summary>
    public string Log => process.Log;

    /// <summary>Starts Alertmanager with <paramref name="configYaml"/> and waits until /-/ready answers.</summary>
    public static async Task<AlertmanagerServer> StartNewAsync(string configYaml, CancellationToken ct = default)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: run scripts/install-deps.sh (Debian package prometheus-alertmanager)");
        }

        var server = new AlertmanagerServer(System.IO.Directory.CreateTempSubdirectory("alertmanager-").FullName, Azurite.NodeTool.FreePort(), configYaml);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            await Until.TrueAsync(async () =>
            {
                if (server.process.HasExited)
                {
                    throw new InvalidOperationException($"Alertmanager exited with {server.process.ExitCode}: {server.Log}");
                }

                try
                {
                    return (await http.GetAsync(new Uri($"http://{server.Address}/-/ready"), ct)).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, "Alertmanager is ready", TimeSpan.FromSeconds(30));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await process.StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
