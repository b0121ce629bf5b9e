using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Retina.Testing.Waiting;

namespace Retina.Testing.Prometheus;

/// <summary>
/// A real Alertmanager (Debian's prometheus-alertmanager) on a free loopback port, no clustering, with the given
/// configuration YAML; stopped by PID and its directory deleted on dispose, whether or not the test passed.
/// </summary>
public sealed class AlertmanagerServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus-alertmanager";
    private readonly Process process;
    private readonly StringBuilder log = new();
    private readonly EventHandler killOnHostExit;

    private AlertmanagerServer(string directory, int port, string configYaml)
    {
        Directory = directory;
        Address = $"127.0.0.1:{port}";
        var config = Path.Combine(directory, "alertmanager.yml");
        File.WriteAllText(config, configYaml);
        var start = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
                 {
                     "--config.file=" + config,
                     "--storage.path=" + Path.Combine(directory, "data"),
                     $"--web.listen-address={Address}",
                     $"--web.external-url=http://{Address}",
                     "--cluster.listen-address=",
                     "--log.level=warn",
                 })
        {
            start.ArgumentList.Add(a);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {Binary}");
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        killOnHostExit = (_, _) => Kill();
        AppDomain.CurrentDomain.ProcessExit += killOnHostExit;
    }

    /// <summary>host:port, for Prometheus's alerting configuration.</summary>
    public string Address { get; }

    public string Directory { get; }

    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    /// <summary>Starts Alertmanager with <paramref name="configYaml"/> and waits until /-/ready answers.</summary>
    public static async Task<AlertmanagerServer> StartNewAsync(string configYaml, CancellationToken ct = default)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: run scripts/install-deps.sh (Debian package prometheus-alertmanager)");
        }

        var server = new AlertmanagerServer(System.IO.Directory.CreateTempSubdirectory("alertmanager-").FullName, FreePort(), configYaml);
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
        AppDomain.CurrentDomain.ProcessExit -= killOnHostExit;
        Kill();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Kill()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.Length < 32_000)
            {
                log.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Formats a duration for Alertmanager's configuration (milliseconds).</summary>
    public static string Duration(TimeSpan d) => ((int)d.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
}
