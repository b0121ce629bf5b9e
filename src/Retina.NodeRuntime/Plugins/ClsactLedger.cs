using System.Globalization;
using System.Text.Json;
using Retina.Native.Libbpf;
using Retina.Native.Libc;

namespace Retina.NodeRuntime.Plugins;

/// <summary>
/// Clsact filters survive their process (tcx links and tracepoints do not), so each runtime
/// instance writes the ones it attached to a file of its own. At start, files of instances whose
/// process is gone are replayed: a filter is removed only if the same program (same id, named
/// retina_*) still sits at the recorded handle and priority — never anyone else's.
/// </summary>
public sealed class ClsactLedger : IDisposable
{
    private readonly object gate = new();
    private readonly List<Entry> entries = [];
    private readonly string file;

    public ClsactLedger(string directory)
    {
        try
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            // Without root there is nothing clsact-attached to record; keep a private place anyway.
            directory = Path.Combine(Path.GetTempPath(), $"retina-plugins-{Environment.UserName}");
            System.IO.Directory.CreateDirectory(directory);
        }

        Directory = directory;
        file = Path.Combine(directory, $"{Environment.ProcessId}-{ProcessStartTicks(Environment.ProcessId)}-{Guid.NewGuid():N}.json");
    }

    public string Directory { get; }

    /// <summary>This instance's record file.</summary>
    public string FilePath => file;

    public sealed record Entry(string? Netns, uint NetnsInode, uint IfIndex, bool Ingress, uint Handle, uint Priority, uint ProgId);

    public void Add(string? netns, uint inode, ClsactFilter f)
    {
        lock (gate)
        {
            entries.Add(new Entry(netns, inode, f.IfIndex, f.Ingress, f.Handle, f.Priority, f.ProgId));
            Save();
        }
    }

    public void Remove(ClsactFilter f)
    {
        lock (gate)
        {
            entries.RemoveAll(e => e.IfIndex == f.IfIndex && e.Ingress == f.Ingress && e.Handle == f.Handle && e.Priority == f.Priority);
            Save();
        }
    }

    private void Save()
    {
        var tmp = file + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(entries));
        File.Move(tmp, file, overwrite: true);
    }

    public void Dispose()
    {
        lock (gate)
        {
            entries.Clear();
            File.Delete(file);
        }
    }

    /// <summary>Removes what dead instances left; returns how many filters were removed.</summary>
    public static int CleanUpDeadInstances(string directory, Action<string>? log = null)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            return 0;
        }

        var removed = 0;
        foreach (var path in System.IO.Directory.GetFiles(directory, "*.json"))
        {
            var parts = Path.GetFileNameWithoutExtension(path).Split('-');
            if (parts.Length < 2 || !int.TryParse(parts[0], out var pid))
            {
                continue;
            }

            if (ProcessStartTicks(pid) == parts[1])
            {
                continue; // still running: a second runtime beside us, leave it alone
            }

            List<Entry> list;
            try
            {
                list = JsonSerializer.Deserialize<List<Entry>>(File.ReadAllText(path)) ?? [];
            }
            catch (JsonException)
            {
                list = [];
            }

            foreach (var group in list.GroupBy(e => (e.Netns, e.NetnsInode)))
            {
                removed += CleanUpNamespace(group.Key.Netns, group.Key.NetnsInode, group.ToList(), log);
            }

            File.Delete(path);
        }

        return removed;
    }

    private static int CleanUpNamespace(string? netns, uint inode, List<Entry> list, Action<string>? log)
    {
        if (netns is not null && !File.Exists(netns))
        {
            return 0; // the namespace is gone, and its filters with it
        }

        using var thread = NetnsThread.Start(netns);
        if (thread.Inode != inode)
        {
            return 0; // same name, different namespace
        }

        return thread.Invoke(() =>
        {
            var n = 0;
            foreach (var e in list)
            {
                var id = ClsactFilter.Query(e.IfIndex, e.Ingress, e.Handle, e.Priority);
                if (id != e.ProgId || BpfInventory.Program(id)?.Name.StartsWith("retina_", StringComparison.Ordinal) != true)
                {
                    continue;
                }

                if (ClsactFilter.DetachIfOwned(e.IfIndex, e.Ingress, e.Handle, e.Priority, x => x == e.ProgId) == 0)
                {
                    n++;
                    log?.Invoke($"removed leftover clsact filter of program {e.ProgId} on ifindex {e.IfIndex} ({(e.Ingress ? "ingress" : "egress")})");
                }
            }

            return n;
        });
    }

    /// <summary>Field 22 of /proc/&lt;pid&gt;/stat, the process start time: tells a live pid from a reused one.</summary>
    private static string ProcessStartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var afterComm = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return afterComm[19];
        }
        catch (IOException)
        {
            return "gone";
        }
        catch (UnauthorizedAccessException)
        {
            return "gone";
        }
    }

    internal static string Format(uint v) => v.ToString(CultureInfo.InvariantCulture);
}
