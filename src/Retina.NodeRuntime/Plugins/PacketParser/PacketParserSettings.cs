using System.Globalization;
using Retina.Api.Common;

namespace Retina.NodeRuntime.Plugins.PacketParser;

/// <summary>
/// packetparser settings (PluginRequest.Settings): <c>podInterfacePrefixes</c> (optional: only pod
/// interfaces whose name starts with one of these; default none, since pod interfaces are found by
/// what they are, see <see cref="Interfaces.InterfaceClassifier"/>), <c>hostInterfaces</c> (also attach to these,
/// default none), <c>conntrack</c> (true | false, default true), <c>sampling</c> (1 in N packets
/// when conntrack is off, default 1), <c>reportInterval</c> (periodic report per connection, and
/// how often idle connections are read; default 2s), <c>rescanInterval</c> (interface discovery,
/// default 1s), <c>connectionTableSize</c> (default 65536). Retina's agent keys, as the controller writes them
/// (see README "Retina agent configuration keys"): <c>aggregation</c> (low | high: pod interfaces, or the node's uplinks
/// only; default low), <c>filterIps</c> (false: report every address, Retina's bypassLookupIPOfInterest; default true),
/// <c>addressTableSize</c> (address-of-interest map entries, filterMapMaxEntries; default 65536), <c>tcx</c>
/// (auto | always | off), <c>ringBufferSize</c> (event ring bytes, a power of two of at least 4096; default 4 MiB),
/// <c>conntrackMetrics</c> (true | false, default false).
/// </summary>
public sealed record PacketParserSettings(
    IReadOnlyList<string> PodInterfacePrefixes,
    IReadOnlyList<string> HostInterfaces,
    bool Conntrack,
    uint Sampling,
    TimeSpan ReportInterval,
    TimeSpan RescanInterval,
    uint ConnectionTableSize)
{
    /// <summary>dataAggregationLevel high: the node's uplinks only, not pod interfaces.</summary>
    public bool HighAggregation { get; init; }

    /// <summary>Only addresses of this node's covered pods are reported (false: Retina's bypassLookupIPOfInterest).</summary>
    public bool FilterIps { get; init; } = true;

    /// <summary>Entries of the address-of-interest map; 0: the object's own size.</summary>
    public uint AddressTableSize { get; init; }

    public TcxMode Tcx { get; init; } = TcxMode.Auto;

    /// <summary>Bytes of the event ring; 0: the object's own size.</summary>
    public uint RingBufferSize { get; init; }

    /// <summary>Export Retina's conntrack_* metrics from the connection table.</summary>
    public bool ConntrackMetrics { get; init; }

    /// <summary>Pod interfaces (by what they are, optionally narrowed by name prefix) and the named host interfaces.</summary>
    public Interfaces.InterfaceSelection Selection()
    {
        var prefixes = PodInterfacePrefixes.Where(p => p.Length > 0).ToList();
        var hosts = HostInterfaces;
        var description = "pod interfaces" + (prefixes.Count > 0 ? " named " + string.Join(",", prefixes) + "*" : "") + (hosts.Count > 0 ? " and " + string.Join(",", hosts) : "");
        if (HighAggregation)
        {
            return Interfaces.InterfaceSelection.Where(
                (l, uplinks) => hosts.Contains(l.Name) || uplinks.Contains(l.Name),
                "the node's uplinks (dataAggregationLevel high)" + (hosts.Count > 0 ? " and " + string.Join(",", hosts) : ""));
        }

        return Interfaces.InterfaceSelection.Where(
            (l, uplinks) => hosts.Contains(l.Name)
                || (Interfaces.InterfaceClassifier.Classify(l, uplinks).Role == Interfaces.InterfaceRole.Pod
                    && (prefixes.Count == 0 || prefixes.Any(p => l.Name.StartsWith(p, StringComparison.Ordinal)))),
            description);
    }

    /// <summary>Parses settings; a wrong value comes back as a message naming the setting.</summary>
    public static (PacketParserSettings? Settings, string? Error) Parse(IReadOnlyDictionary<string, string> s)
    {
        var errors = new List<string>();
        static string[] List(string? v) => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        var prefixes = s.TryGetValue("podInterfacePrefixes", out var p) ? List(p) : [];
        var hosts = s.TryGetValue("hostInterfaces", out var h) ? List(h) : [];
        var conntrack = true;
        if (s.TryGetValue("conntrack", out var c) && !bool.TryParse(c, out conntrack))
        {
            errors.Add($"conntrack: '{c}' is not true or false");
        }

        uint sampling = 1;
        if (s.TryGetValue("sampling", out var sm) && (!uint.TryParse(sm, NumberStyles.None, CultureInfo.InvariantCulture, out sampling) || sampling == 0))
        {
            errors.Add($"sampling: '{sm}' is not a positive integer");
        }

        var report = Duration(s, "reportInterval", TimeSpan.FromSeconds(2), errors);
        var rescan = Duration(s, "rescanInterval", TimeSpan.FromSeconds(1), errors);
        uint table = 65536;
        if (s.TryGetValue("connectionTableSize", out var t) && (!uint.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out table) || table < 64))
        {
            errors.Add($"connectionTableSize: '{t}' is not an integer of at least 64");
        }

        var high = false;
        if (s.TryGetValue("aggregation", out var ag) && !(ag is "low" or "high"))
        {
            errors.Add($"aggregation: '{ag}' is not low or high");
        }
        else
        {
            high = ag == "high";
        }

        var filterIps = true;
        if (s.TryGetValue("filterIps", out var f) && !bool.TryParse(f, out filterIps))
        {
            errors.Add($"filterIps: '{f}' is not true or false");
        }

        uint addresses = 0;
        if (s.TryGetValue("addressTableSize", out var at) && (!uint.TryParse(at, NumberStyles.None, CultureInfo.InvariantCulture, out addresses) || addresses < 64))
        {
            errors.Add($"addressTableSize: '{at}' is not an integer of at least 64");
        }

        var tcx = TcxMode.Auto;
        if (s.TryGetValue("tcx", out var tx))
        {
            switch (tx)
            {
                case "auto": tcx = TcxMode.Auto; break;
                case "always": tcx = TcxMode.Always; break;
                case "off": tcx = TcxMode.Off; break;
                default: errors.Add($"tcx: '{tx}' is not auto, always or off"); break;
            }
        }

        uint ring = 0;
        if (s.TryGetValue("ringBufferSize", out var rb)
            && (!uint.TryParse(rb, NumberStyles.None, CultureInfo.InvariantCulture, out ring) || ring < 4096 || (ring & (ring - 1)) != 0))
        {
            errors.Add($"ringBufferSize: '{rb}' is not a power of two of at least 4096");
        }

        var ctMetrics = false;
        if (s.TryGetValue("conntrackMetrics", out var cm) && !bool.TryParse(cm, out ctMetrics))
        {
            errors.Add($"conntrackMetrics: '{cm}' is not true or false");
        }

        return errors.Count > 0
            ? (null, string.Join("; ", errors))
            : (new PacketParserSettings(prefixes, hosts, conntrack, sampling, report, rescan, table)
            {
                HighAggregation = high, FilterIps = filterIps, AddressTableSize = addresses, Tcx = tcx, RingBufferSize = ring, ConntrackMetrics = ctMetrics,
            }, null);
    }

    private static TimeSpan Duration(IReadOnlyDictionary<string, string> s, string key, TimeSpan fallback, List<string> errors)
    {
        if (!s.TryGetValue(key, out var v))
        {
            return fallback;
        }

        if (GoDuration.TryParse(v, out var d) && d > TimeSpan.Zero)
        {
            return d;
        }

        errors.Add($"{key}: '{v}' is not a positive duration such as 2s");
        return fallback;
    }
}
