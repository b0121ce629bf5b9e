using System.Diagnostics;
using System.Net.Sockets;

namespace Retina.Local.Shell;

/// <summary>
/// The client side of <c>retina attach</c>: bytes from <paramref name="input"/> to the shell's terminal and back. On a
/// terminal it switches the local one to raw mode (the remote terminal does echo and line editing) and restores it.
/// Ends when the shell ends (the socket closes); without a terminal, the end of input is the shell's end-of-file.
/// </summary>
public static class AttachClient
{
    public static async Task<int> RunAsync(string socketPath, Stream input, Stream output, bool terminal, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
        var saved = terminal ? Stty("-g")?.Trim() : null;
        if (terminal)
        {
            Stty("raw -echo");
        }

        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var fromShell = stream.CopyToAsync(output, stop.Token);
            var toShell = CopyInputAsync(input, socket, stop.Token);
            await Task.WhenAny(fromShell, toShell.ContinueWith(_ => fromShell, TaskScheduler.Default).Unwrap()).ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            return 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return 130;
        }
        catch (IOException)
        {
            return 0;
        }
        finally
        {
            if (saved is not null)
            {
                Stty(saved);
            }
        }
    }

    private static async Task CopyInputAsync(Stream input, Socket socket, CancellationToken ct)
    {
        var buffer = new byte[1024];
        try
        {
            int n;
            while ((n = await input.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, ct).ConfigureAwait(false);
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Runs stty on this process's terminal (stdin is inherited); returns its output.</summary>
    private static string? Stty(string arguments)
    {
        try
        {
            var info = new ProcessStartInfo("stty") { UseShellExecute = false, RedirectStandardOutput = true };
            foreach (var a in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                info.ArgumentList.Add(a);
            }

            using var p = Process.Start(info)!;
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? text : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
