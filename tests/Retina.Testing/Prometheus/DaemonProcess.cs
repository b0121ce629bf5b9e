using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Retina.Testing.Prometheus;

/// <summary>
/// A server binary started for a test (Prometheus, Alertmanager): its output kept (bounded) for failure messages,
/// killed if the test host exits without disposing, stopped by PID with SIGTERM and then SIGKILL.
/// </summary>
internal sealed class DaemonProcess
{
    private const int MaxLogChars = 32_000;
    private readonly Process process;
    private readonly StringBuilder log = new();
    private readonly EventHandler killOnHostExit;

    public DaemonProcess(string binary, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {binary}");
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        killOnHostExit = (_, _) => Kill();
        AppDomain.CurrentDomain.ProcessExit += killOnHostExit;
    }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>What the process printed (capped), for failure messages.</summary>
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

    /// <summary>SIGTERM by PID so the server closes its storage, SIGKILL if it is still there after 5 s.</summary>
    public async Task StopAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= killOnHostExit;
        if (!process.HasExited)
        {
            using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false }))
            {
                if (kill is not null)
                {
                    await kill.WaitForExitAsync();
                }
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
                await process.WaitForExitAsync();
            }
        }

        process.Dispose();
    }

    public void Kill()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // already gone
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
            if (log.Length < MaxLogChars)
            {
                log.AppendLine(line);
            }
        }
    }
}
