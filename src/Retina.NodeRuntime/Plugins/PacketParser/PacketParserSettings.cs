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
/// default 1s), <c>connectionTableSize</c> (default 65536).
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
    /// <summary>Pod interfaces (by what they are, optionally narrowed by name prefix) and the named host interfaces.</summary>
    public Interfaces.InterfaceSelection Selection()
    {
        var prefixes = PodInterfacePrefixes.Where(p => p.Length > 0).ToList();
        var hosts = HostInterfaces;
        var description = "pod interfaces" + (prefixes.Count > 0 ? " named " + string.Join(",", prefixes) + "*" : "") + (hosts.Count > 0 ? " and " + string.Join(",", hosts) : "");
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

        return errors.Count > 0
            ? (null, string.Join("; ", errors))
            : (new PacketParserSettings(prefixes, hosts, conntrack, sampling, report, rescan, table), null);
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
