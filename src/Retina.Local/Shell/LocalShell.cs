using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Retina.Native.Libc;

namespace Retina.Local.Shell;

/// <summary>
/// One running local shell: the process (started through <see cref="ShellLauncher"/>) on a pseudo-terminal that this
/// process owns, and a Unix socket where <c>retina attach</c> clients connect to that terminal. Output is copied to
/// every attached client (and the last few KiB kept for the next one); input from any client goes to the shell.
/// Ends at its expiry, after its idle timeout, or when stopped: every process in the shell's mount namespace is killed.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LocalShell : IAsyncDisposable
{
    private const int Scrollback = 8192;
    private const int SigKill = 9;
    private readonly LocalShellStart start;
    private readonly TimeProvider time;
    private readonly FileStream terminal;
    private readonly Process process;
    private readonly Socket listener;
    private readonly List<Socket> clients = [];
    private readonly Lock gate = new();
    private readonly byte[] recent = new byte[Scrollback];
    private readonly CancellationTokenSource stop = new();
    private readonly Task output;
    private readonly Task accept;
    private readonly Task timers;
    private readonly string? ownNamespace = MountNamespaceOf(Environment.ProcessId);
    private string? namespaceId;
    private readonly Task exited;
    private int recentLength;
    private DateTime lastInput;

    private LocalShell(LocalShellStart start, TimeProvider time, FileStream terminal, Process process, Socket listener)
    {
        this.start = start;
        this.time = time;
        this.terminal = terminal;
        this.process = process;
        this.listener = listener;
        lastInput = time.GetUtcNow().UtcDateTime;

        // The shell's end ends its session: whatever it left running in its mount namespace goes with it.
        exited = process.WaitForExitAsync().ContinueWith(_ => End("Exited"), TaskScheduler.Default);
        output = Task.Factory.StartNew(CopyOutput, TaskCreationOptions.LongRunning);
        accept = AcceptAsync(stop.Token);
        timers = EndOnTimeAsync(stop.Token);
    }

    public int Pid => process.Id;

    /// <summary>Why the shell ended (null while it runs): Expired, IdleTimeout, Exited or Stopped.</summary>
    public string? EndReason { get; private set; }

    public int? ExitCode => process.HasExited ? process.ExitCode : null;

    /// <summary>Completes when the shell's process has ended.</summary>
    public Task Exited => exited;

    /// <summary>Starts the shell; its process inherits nothing of ours but the launcher's arguments.</summary>
    public static LocalShell Start(LocalShellStart start, TimeProvider time)
    {
        var (master, slave) = ShellConfinement.OpenPty();
        var terminal = new FileStream(new SafeFileHandle(master, ownsHandle: true), FileAccess.ReadWrite, 1, isAsync: false);
        Directory.CreateDirectory(Path.GetDirectoryName(start.SocketPath)!);
        if (start.SocketPath.Length > LocalShellPaths.MaxSocketPath)
        {
            throw new InvalidOperationException($"attach socket path {start.SocketPath} is longer than {LocalShellPaths.MaxSocketPath} characters: use a shorter --state directory");
        }

        File.Delete(start.SocketPath);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(start.SocketPath));
        File.SetUnixFileMode(start.SocketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        listener.Listen(8);

        var info = Launcher();
        foreach (var arg in new[]
                 {
                     "--tty", slave, "--caps", string.Join(',', start.Capabilities), "--host-fs", start.HostFilesystem,
                     "--host-path", start.HostPath, "--session", start.Namespace + "/" + start.Name,
                 })
        {
            info.ArgumentList.Add(arg);
        }

        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var process = Process.Start(info) ?? throw new InvalidOperationException("the shell launcher did not start");
        return new LocalShell(start, time, terminal, process, listener);
    }

    /// <summary>Ends the shell now (the session was deleted, or local mode stops).</summary>
    public Task StopAsync(string reason)
    {
        End(reason);
        return Exited;
    }

    public async ValueTask DisposeAsync()
    {
        End("Stopped");
        await Exited.ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        listener.Dispose();
        lock (gate)
        {
            clients.ForEach(c => c.Dispose());
            clients.Clear();
        }

        terminal.Dispose();
        try
        {
            // The output copier ends when the terminal's last holder is gone: KillAll saw to that, but never hang a shutdown on it.
            await Task.WhenAll(output, accept, timers).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or IOException or SocketException)
        {
        }

        File.Delete(start.SocketPath);
        process.Dispose();
        stop.Dispose();
    }

    /// <summary>The launcher: this program's own binary (its apphost, else dotnet with its dll) with the hidden verb.</summary>
    private static ProcessStartInfo Launcher()
    {
        var dll = typeof(ShellLauncher).Assembly.Location;
        var apphost = Path.Combine(Path.GetDirectoryName(dll)!, Path.GetFileNameWithoutExtension(dll));
        var info = File.Exists(apphost) ? new ProcessStartInfo(apphost) : new ProcessStartInfo("dotnet") { ArgumentList = { dll } };
        info.ArgumentList.Add(ShellLauncher.Verb);
        info.UseShellExecute = false;
        return info;
    }

    private void End(string reason)
    {
        lock (gate)
        {
            EndReason ??= reason;
        }

        KillAll();
    }

    /// <summary>Kills the shell and everything it started: every process in its mount namespace (children inherit it).</summary>
    private void KillAll()
    {
        LearnNamespace();
        try
        {
            // Process.Kill signals only while the child is not known to have exited (its PID may be reused after).
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        if (namespaceId is null)
        {
            return;
        }

        for (var round = 0; round < 10; round++)
        {
            var left = Directory.EnumerateDirectories("/proc")
                .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
                .Where(pid => pid > 0 && MountNamespaceOf(pid) == namespaceId)
                .ToList();
            if (left.Count == 0)
            {
                return;
            }

            left.ForEach(pid => ShellConfinement.Signal(pid, SigKill));
        }
    }

    /// <summary>The shell's own mount namespace, once the launcher has entered it (until then it is ours, and means nothing).</summary>
    /// <remarks>
    /// Read only while the shell process is alive, checked again after the read: a PID is reused only once its process
    /// is gone, so a namespace read this way is the shell's and never that of an unrelated process that took its PID
    /// (e.g. an <c>ip netns exec</c>, which has a mount namespace of its own and would otherwise be killed).
    /// </remarks>
    private void LearnNamespace()
    {
        if (namespaceId is not null || process.HasExited)
        {
            return;
        }

        var ns = MountNamespaceOf(process.Id);
        if (ns is not null && ns != ownNamespace && !process.HasExited)
        {
            namespaceId = ns;
        }
    }

    private static string? MountNamespaceOf(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/ns/mnt").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void CopyOutput()
    {
        var buffer = new byte[4096];
        while (true)
        {
            int n;
            try
            {
                n = terminal.Read(buffer, 0, buffer.Length);
            }
            catch (IOException)
            {
                // EIO: every process holding the terminal's other side is gone.
                n = 0;
            }
            catch (ObjectDisposedException)
            {
                n = 0;
            }

            if (n == 0)
            {
                break;
            }

            LearnNamespace();
            Socket[] targets;
            lock (gate)
            {
                Remember(buffer.AsSpan(0, n));
                targets = [.. clients];
            }

            foreach (var client in targets)
            {
                try
                {
                    client.Send(buffer, 0, n, SocketFlags.None);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    Drop(client);
                }
            }
        }

        End("Exited");
        lock (gate)
        {
            // Attached clients see the end of the shell as the end of their stream.
            clients.ForEach(c => c.Dispose());
            clients.Clear();
        }
    }

    private void Remember(ReadOnlySpan<byte> data)
    {
        if (data.Length >= Scrollback)
        {
            data[^Scrollback..].CopyTo(recent);
            recentLength = Scrollback;
            return;
        }

        var keep = Math.Min(recentLength, Scrollback - data.Length);
        recent.AsSpan(recentLength - keep, keep).CopyTo(recent);
        data.CopyTo(recent.AsSpan(keep));
        recentLength = keep + data.Length;
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (gate)
            {
                if (EndReason is not null)
                {
                    client.Dispose();
                    continue;
                }

                client.Send(recent, 0, recentLength, SocketFlags.None);
                clients.Add(client);
            }

            _ = CopyInputAsync(client, ct);
        }
    }

    private async Task CopyInputAsync(Socket client, CancellationToken ct)
    {
        var buffer = new byte[1024];
        try
        {
            while (true)
            {
                var n = await client.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
                if (n == 0)
                {
                    // A client without a terminal ended its input: the shell gets end-of-file (Ctrl-D), as on a terminal.
                    await terminal.WriteAsync(new byte[] { 4 }, ct).ConfigureAwait(false);
                    break;
                }

                lastInput = time.GetUtcNow().UtcDateTime;
                await terminal.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                await terminal.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
            Drop(client);
        }
    }

    private void Drop(Socket client)
    {
        lock (gate)
        {
            clients.Remove(client);
        }

        client.Dispose();
    }

    private async Task EndOnTimeAsync(CancellationToken ct)
    {
        try
        {
            while (!process.HasExited)
            {
                var now = time.GetUtcNow().UtcDateTime;
                if (now >= start.ExpiresAt)
                {
                    End("Expired");
                    return;
                }

                if (start.IdleTimeout is { } idle && now - lastInput >= idle)
                {
                    End("IdleTimeout");
                    return;
                }

                var next = start.ExpiresAt - now;
                if (start.IdleTimeout is { } i && lastInput + i - now < next)
                {
                    next = lastInput + i - now;
                }

                await Task.WhenAny(Task.Delay(next < TimeSpan.FromSeconds(1) ? next : TimeSpan.FromSeconds(1), time, ct), Exited).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
