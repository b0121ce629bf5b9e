using Retina.Native.Libc;

namespace Retina.Local.Shell;

/// <summary>
/// <c>retina __shell-exec</c>: the first program of a local shell. It runs on the process's main thread (capabilities
/// and namespaces are per thread), confines itself and then becomes the shell with execve, so the shell is exactly
/// this process, with exactly these privileges. Arguments: <c>--tty PATH --caps A,B --host-fs None|ReadOnly|ReadWrite
/// --host-path /host --session NS/NAME</c>.
/// </summary>
public static class ShellLauncher
{
    public const string Verb = "__shell-exec";

    /// <summary>Exit code when confinement fails (as a shell's "cannot execute").</summary>
    public const int FailedExit = 126;

    public static int Run(string[] args)
    {
        var options = Parse(args);
        try
        {
            ShellConfinement.UseTerminal(options["--tty"]);
            ShellConfinement.EnterPrivateMountNamespace();
            var hostFs = options.GetValueOrDefault("--host-fs", "None");
            if (hostFs != "None")
            {
                ShellConfinement.BindHostRoot(options.GetValueOrDefault("--host-path", "/host"), readOnly: hostFs == "ReadOnly");
            }

            var caps = options.GetValueOrDefault("--caps", "").Split(',', StringSplitOptions.RemoveEmptyEntries);
            ShellConfinement.LimitCapabilities(caps);
            var shell = File.Exists("/bin/bash") ? "/bin/bash" : "/bin/sh";
            var session = options.GetValueOrDefault("--session", "");
            var env = new List<string>
            {
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "TERM=" + (Environment.GetEnvironmentVariable("TERM") is { Length: > 0 } t && t != "dumb" ? t : "xterm"),
                "HOME=/root",
                "RETINA_SHELLSESSION=" + session,
                $"PS1=[shell {session}] \\w\\$ ",
            };
            Directory.SetCurrentDirectory(hostFs == "None" ? "/" : options.GetValueOrDefault("--host-path", "/host"));
            ShellConfinement.Exec(shell, shell == "/bin/bash" ? [shell, "--norc", "--noprofile", "-i"] : [shell, "-i"], env);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            Console.Error.WriteLine($"retina shell: {e.Message}");
        }

        return FailedExit;
    }

    private static Dictionary<string, string> Parse(string[] args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            result[args[i]] = args[i + 1];
        }

        return result;
    }
}
