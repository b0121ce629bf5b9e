using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Retina.Testing.Azurite;

/// <summary>
/// A Node.js server from <c>.tools/node_modules</c> (installed by the Makefile) on a free loopback port, stopped by PID.
/// Shared by the Azurite and S3 fixtures.
/// </summary>
public sealed class NodeTool : IAsyncDisposable
{
    private readonly ProcessStartInfo startInfo;
    private Process? process;

    public NodeTool(string file, IEnumerable<string> arguments, int port)
    {
        Port = port;
        startInfo = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in arguments)
        {
            startInfo.ArgumentList.Add(a);
        }
    }

    public int Port { get; }

    public int? Pid => process is { HasExited: false } p ? p.Id : null;

    /// <summary>The repository's <c>.tools</c> folder, where <c>npm install --prefix .tools</c> puts the servers.</summary>
    public static string ToolsDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Retina.sln")))
                {
                    return Path.Combine(dir.FullName, ".tools");
                }
            }

            throw new InvalidOperationException("Retina.sln not found above the test output directory");
        }
    }

    public static string Bin(string name)
    {
        var path = Path.Combine(ToolsDirectory, "node_modules", ".bin", name);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: run `npm install --prefix .tools azurite@3.37.0 s3rver@3.7.1` (the Makefile's tools target)");
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Starts the process and waits until its port accepts connections.</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        if (Pid is not null)
        {
            return;
        }

        process = Process.Start(startInfo) ?? throw new InvalidOperationException($"cannot start {startInfo.FileName}");
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => stderr.AppendLine(e.Data);
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{startInfo.FileName} exited with {process.ExitCode}: {stderr}");
            }

            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"{startInfo.FileName} did not listen on 127.0.0.1:{Port} in time: {stderr}");
    }

    /// <summary>
    /// Stops the process by its PID: SIGTERM first, so the server saves its data as a real service restart would (Azurite
    /// keeps container metadata in memory between saves), then SIGKILL if it is still there after 10 s.
    /// </summary>
    public async Task StopAsync()
    {
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false }))
            {
                kill?.WaitForExit();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        await process.WaitForExitAsync();
        process.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
