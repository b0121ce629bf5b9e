namespace Retina.NodeRuntime.Plugins.LinuxUtil;

/// <summary>
/// TCP, IP, UDP and interface statistics and socket states from the namespace's procfs, and the NIC
/// drivers' error and drop counters (ethtool, <see cref="DriverCounters"/>), read before each scrape (no BPF).
/// </summary>
public sealed class LinuxUtilPlugin : INodePlugin
{
    public const string PluginName = "linuxutil";
    public const int MaxRemotes = 100;

    private readonly object gate = new();
    private PluginContext? context;
    private IReadOnlyList<string>? interfaces;
    private readonly DriverCounters driverCounters = new();
    private HashSet<(string Interface, string Statistic)> driverSeries = [];

    public string Name => PluginName;

    public Task<PluginState> StartAsync(PluginContext context, IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        this.context = context;
        if (context.Probes.FirstUnsupported(ProbeNames.Procfs) is { } why)
        {
            return Task.FromResult(PluginState.Failed(Name, why));
        }

        interfaces = settings.TryGetValue("interfaces", out var s) && !string.IsNullOrWhiteSpace(s)
            ? s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : null;
        Collect();
        return Task.FromResult(PluginState.Running(Name, "procfs"));
    }

    /// <summary>The files of the node's namespace, read on its thread.</summary>
    public sealed record Snapshot(string Snmp, string Netstat, string Dev, string Tcp, string Tcp6, string Udp, string Udp6)
    {
        /// <summary>The drivers' error and drop counters; empty when not read.</summary>
        public IReadOnlyList<(string Interface, string Statistic, ulong Value)> Driver { get; init; } = [];
    }

    public static Snapshot Read() => new(
        ReadOrEmpty("snmp"), ReadOrEmpty("netstat"), ReadOrEmpty("dev"), ReadOrEmpty("tcp"), ReadOrEmpty("tcp6"), ReadOrEmpty("udp"), ReadOrEmpty("udp6"));

    /// <summary>
    /// The lower-case statistic names Retina's Clusters dashboard queries, from the kernel counter each
    /// stands for: tcptimeouts (TcpExt TCPTimeouts), tcptsreorder (TcpExt TCPTSReorder) and resetcount
    /// (Tcp EstabResets: established connections reset). Exported beside the kernel's own names, at 0
    /// when the kernel has not counted any.
    /// </summary>
    private static readonly (string Proto, string Kernel, string Alias)[] DashboardAliases =
        [("TcpExt", "TCPTimeouts", "tcptimeouts"), ("TcpExt", "TCPTSReorder", "tcptsreorder"), ("Tcp", "EstabResets", "resetcount")];

    private static string ReadOrEmpty(string file)
    {
        try
        {
            return File.ReadAllText("/proc/thread-self/net/" + file);
        }
        catch (IOException)
        {
            return "";
        }
    }

    public void Collect()
    {
        lock (gate)
        {
            if (context is null)
            {
                return;
            }

            var snap = context.Netns.Invoke(() => Read() with { Driver = ReadDriver() });
            var m = context.Metrics;
            var snmp = ProcNet.ParseKeyValuePairs(snap.Snmp);
            var netstat = ProcNet.ParseKeyValuePairs(snap.Netstat);

            Set(m.TcpConnectionStats, snmp, "Tcp");
            Set(m.TcpConnectionStats, netstat, "TcpExt");
            Set(m.IpConnectionStats, snmp, "Ip");
            Set(m.IpConnectionStats, netstat, "IpExt");
            Set(m.UdpConnectionStats, snmp, "Udp");
            foreach (var (proto, kernel, alias) in DashboardAliases)
            {
                var source = proto == "Tcp" ? snmp : netstat;
                m.TcpConnectionStats.WithLabels(alias).Set(source.TryGetValue(proto, out var d) && d.TryGetValue(kernel, out var v) ? v : 0);
            }

            // Retina's "active": UDP sockets open in the namespace (one line per socket after the header)
            m.UdpConnectionStats.WithLabels("active").Set(SocketLines(snap.Udp) + SocketLines(snap.Udp6));

            foreach (var (iface, stats) in ProcNet.ParseDev(snap.Dev))
            {
                if (interfaces is null || interfaces.Contains(iface))
                {
                    foreach (var (k, v) in stats)
                    {
                        m.InterfaceStats.WithLabels(iface, k).Set(v);
                    }
                }
            }

            SetDriverCounters(m.InterfaceStats, snap.Driver);

            var sockets = ProcNet.ParseTcpSockets(snap.Tcp).Concat(ProcNet.ParseTcpSockets(snap.Tcp6)).ToList();
            foreach (var state in new[] { "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING" })
            {
                m.TcpState.WithLabels(state).Set(sockets.Count(s => s.State == state));
            }

            foreach (var series in m.TcpConnectionRemote.GetAllLabelValues().ToList())
            {
                m.TcpConnectionRemote.RemoveLabelled(series);
            }

            foreach (var g in sockets.Where(s => s.State == "ESTABLISHED")
                         .GroupBy(s => (s.RemoteAddress, s.RemotePort))
                         .OrderByDescending(g => g.Count())
                         .Take(MaxRemotes))
            {
                m.TcpConnectionRemote.WithLabels(g.Key.RemoteAddress, g.Key.RemotePort.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(g.Count());
            }
        }
    }

    private IReadOnlyList<(string, string, ulong)> ReadDriver()
    {
        try
        {
            return driverCounters.Read(interfaces);
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>
    /// Driver counters beside the /proc/net/dev fields; a driver key named like one of those is left to /proc/net/dev.
    /// Series that were not read this time (the interface went away, the value went back to 0) are removed.
    /// </summary>
    private void SetDriverCounters(Prometheus.Gauge gauge, IReadOnlyList<(string Interface, string Statistic, ulong Value)> driver)
    {
        var now = new HashSet<(string, string)>();
        foreach (var (iface, key, value) in driver)
        {
            if (!ProcNet.IsDevField(key) && now.Add((iface, key)))
            {
                gauge.WithLabels(iface, key).Set(value);
            }
        }

        foreach (var (iface, key) in driverSeries)
        {
            if (!now.Contains((iface, key)))
            {
                gauge.RemoveLabelled(iface, key);
            }
        }

        driverSeries = now;
    }

    private static int SocketLines(string text) => Math.Max(0, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);

    private static void Set(Prometheus.Gauge gauge, Dictionary<string, Dictionary<string, long>> data, string proto)
    {
        if (data.TryGetValue(proto, out var d))
        {
            foreach (var (k, v) in d)
            {
                gauge.WithLabels(k).Set(v);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (gate)
        {
            context = null;
        }

        return ValueTask.CompletedTask;
    }
}
