using System.Diagnostics;

namespace Retina.Testing.Netns;

/// <summary>Runs test-setup commands (ip, nft, sysctl) with arguments passed as a list, never through a shell.</summary>
public static class Shell
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(60));
        var stdout = p.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = p.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} did not finish in time");
        }

        return new Result(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs and throws with stderr when the command fails: setup must never fail silently.</summary>
    public static async Task<string> CheckAsync(string file, params string[] args)
    {
        var r = await RunAsync(file, args);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{file} {string.Join(' ', args)}` exited {r.ExitCode}: {r.StdErr.Trim()}");
        }

        return r.StdOut;
    }
}
