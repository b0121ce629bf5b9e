using Retina.Native.Ethtool;
using Retina.Native.Libc;

namespace Retina.NodeRuntime.Plugins.LinuxUtil;

/// <summary>
/// The NIC driver's error and drop counters (ethtool statistics), as Retina's linuxutil reads them into
/// interface_stats: only keys containing "err" or "drop", only non-zero values, no interface whose name contains
/// "lo" or "cbr0" (Retina's loopback and bridge skip, a substring match), and an interface whose driver has no
/// statistics (EOPNOTSUPP) is remembered and not asked again. Interfaces are remembered by index and name, so a
/// new interface reusing a name is asked afresh. Not thread-safe: the plugin calls it under its lock.
/// </summary>
public sealed class DriverCounters
{
    /// <summary>Unsupported interfaces remembered at most (Retina's limit); past it they are asked again each scrape.</summary>
    public const int MaxUnsupported = 2000;

    /// <summary>The most driver series exported per scrape, over all interfaces (bounds label cardinality).</summary>
    public const int MaxSeries = 2000;

    private readonly HashSet<(uint Index, string Name)> unsupported = [];

    /// <summary>Interfaces currently remembered as having no driver statistics.</summary>
    public int UnsupportedCount => unsupported.Count;

    /// <summary>True for the interfaces Retina never reads driver statistics of.</summary>
    public static bool Skipped(string interfaceName) =>
        interfaceName.Contains("lo", StringComparison.Ordinal) || interfaceName.Contains("cbr0", StringComparison.Ordinal);

    /// <summary>True for the statistic names Retina exports (errOrDropKeysOnly).</summary>
    public static bool ErrorOrDrop(string key) =>
        key.Contains("err", StringComparison.Ordinal) || key.Contains("drop", StringComparison.Ordinal);

    /// <summary>
    /// Reads the counters of the calling thread's namespace: (interface, statistic, value), at most
    /// <see cref="MaxSeries"/>, in interface-index then driver order. <paramref name="wanted"/> null means every interface.
    /// </summary>
    public IReadOnlyList<(string Interface, string Statistic, ulong Value)> Read(IReadOnlyCollection<string>? wanted)
    {
        var result = new List<(string, string, ulong)>();
        var present = LibC.Interfaces();
        unsupported.RemoveWhere(u => !present.Contains(u));
        using var ethtool = EthtoolStats.Open();
        foreach (var (index, name) in present)
        {
            if (Skipped(name) || (wanted is not null && !wanted.Contains(name)) || unsupported.Contains((index, name)))
            {
                continue;
            }

            var stats = ethtool.Read(name, out var errno);
            if (stats is null)
            {
                if (errno == LibC.EOPNOTSUPP && unsupported.Count < MaxUnsupported)
                {
                    unsupported.Add((index, name));
                }

                continue;
            }

            foreach (var (key, value) in stats)
            {
                if (value == 0 || !ErrorOrDrop(key))
                {
                    continue;
                }

                if (result.Count == MaxSeries)
                {
                    return result;
                }

                result.Add((name, key, value));
            }
        }

        return result;
    }
}
