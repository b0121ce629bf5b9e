using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Retina.NodeRuntime.Capture;

/// <summary>
/// Collects the node's network state next to the packets: routes, addresses, firewall rules, sockets, /proc/net and
/// /proc/sys/net (<see cref="Collect"/>, node-wide captures only), or one pod's share of it (<see cref="CollectPod"/>). Call
/// it on a thread inside the network namespace to describe: tools it starts inherit that namespace and
/// /proc/thread-self/net is that namespace's view. A missing tool is written into the file, never an error.
/// </summary>
internal static class CaptureMetadataCollector
{
    private const int MaxProcFileBytes = 8 * 1024 * 1024;
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(15);

    // Retina's commands first, with its flags (scripts parse `ip -j` JSON, iptables counters, `ss -tapionume`), then ours.
    private static readonly string[][] IpCommands =
    [
        ["ip", "-d", "-j", "addr", "show"],
        ["ip", "-d", "-j", "neighbor", "show"],
        ["ip", "rule", "list"],
        ["ip", "route", "show", "table", "all"],
        ["ip", "-6", "route", "show", "table", "all"],
        ["ip", "-d", "-s", "link", "show"],
    ];

    private static readonly string[][] PodIpCommands =
    [
        ["ip", "-d", "-j", "addr", "show"],
        ["ip", "-d", "-j", "neighbor", "show"],
        ["ip", "route", "show", "table", "all"],
        ["ip", "-6", "route", "show", "table", "all"],
    ];

    private static readonly string[][] FirewallCommands =
    [
        ["iptables-save"],
        ["iptables", "-vnx", "-L"],
        ["iptables", "-vnx", "-L", "-t", "nat"],
        ["iptables", "-vnx", "-L", "-t", "mangle"],
        ["ip6tables-save"],
        ["nft", "list", "ruleset"],
    ];

    private static readonly string[][] SocketCommands = [["ss", "-s"], ["ss", "-tapionume"], ["ss", "-uanpie"]];

    public static IReadOnlyList<string> Collect(string directory)
    {
        var notes = new List<string>();
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "ip-resources.txt"), RunAll(IpCommands, notes));
        File.WriteAllText(Path.Combine(directory, "iptables-rules.txt"), RunAll(FirewallCommands, notes));
        File.WriteAllText(Path.Combine(directory, "socket-stats.txt"), RunAll(SocketCommands, notes));
        // Recursive, as Retina's `cp -r /proc/self/net` (stat/, dev_snmp6/, netfilter/ included).
        CopyTree("/proc/thread-self/net", Path.Combine(directory, "proc-net"), recursive: true, notes);
        CopyTree("/proc/sys/net", Path.Combine(directory, "proc-sys-net"), recursive: true, notes);
        return notes;
    }

    /// <summary>
    /// One pod's share: its addresses, routes, neighbours, sockets and /proc/net. Nothing the node shares with every pod
    /// (firewall rules, /proc/sys/net, whose entries are partly global). Call it on a thread inside the pod's namespace.
    /// </summary>
    public static IReadOnlyList<string> CollectPod(string directory)
    {
        var notes = new List<string>();
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "ip-resources.txt"), RunAll(PodIpCommands, notes));
        File.WriteAllText(Path.Combine(directory, "socket-stats.txt"), RunAll(SocketCommands, notes));
        CopyTree("/proc/thread-self/net", Path.Combine(directory, "proc-net"), recursive: true, notes);
        return notes;
    }

    private static string RunAll(string[][] commands, List<string> notes)
    {
        var text = new StringBuilder();
        foreach (var command in commands)
        {
            text.Append("### ").AppendJoin(' ', command).Append('\n');
            text.Append(Run(command, notes)).Append("\n\n");
        }

        return text.ToString();
    }

    private static string Run(string[] command, List<string> notes)
    {
        var executable = Resolve(command[0]);
        if (executable is null)
        {
            notes.Add($"{command[0]} is not installed on this node");
            return $"({command[0]} is not installed on this node)";
        }

        var psi = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in command.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEndAsync();
            if (!p.WaitForExit(ToolTimeout))
            {
                p.Kill(entireProcessTree: true);
                notes.Add($"{command[0]} did not finish within {ToolTimeout.TotalSeconds} s");
                return $"({command[0]} did not finish within {ToolTimeout.TotalSeconds} s)";
            }

            var output = stdout.GetAwaiter().GetResult();
            var errors = stderr.GetAwaiter().GetResult();
            return p.ExitCode == 0 ? output : $"{output}(exit code {p.ExitCode}) {errors}";
        }
        catch (Win32Exception e)
        {
            notes.Add($"{command[0]} could not run: {e.Message}");
            return $"({command[0]} could not run: {e.Message})";
        }
    }

    private static string? Resolve(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
            .Select(d => Path.Combine(d, tool))
            .FirstOrDefault(File.Exists);

    private static void CopyTree(string source, string target, bool recursive, List<string> notes)
    {
        Directory.CreateDirectory(target);
        IEnumerable<string> files;
        try
        {
            files = Directory.EnumerateFiles(source, "*", new EnumerationOptions { RecurseSubdirectories = recursive, IgnoreInaccessible = true, AttributesToSkip = 0 });
            files = files.ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            notes.Add($"{source} could not be listed: {e.Message}");
            return;
        }

        foreach (var file in files)
        {
            try
            {
                var bytes = ReadBounded(file);
                var destination = Path.Combine(target, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.WriteAllBytes(destination, bytes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Write-only sysctls (e.g. route/flush) and entries that vanished while we read are expected.
            }
        }
    }

    private static byte[] ReadBounded(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while (buffer.Length < MaxProcFileBytes && (n = stream.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }
}
